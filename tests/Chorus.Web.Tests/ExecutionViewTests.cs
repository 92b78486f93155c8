using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>Running a workflow from the Run page and watching it in the live execution view, in a real Chromium
/// against a real server: live step states and progress over the WebSocket, manual input, retry, manual mode,
/// reconnecting after the socket is cut, and a test run's trace on the graph.</summary>
public sealed class ExecutionViewTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture browser;

    public ExecutionViewTests(BrowserFixture browser)
    {
        this.browser = browser;
    }

    private static ILocator Node(IPage page, string stepId) => page.Locator($"[data-testid=step-node][data-step-id='{stepId}']");

    private static JsonObject Step(string id, string type, JsonObject config, string? next = null)
    {
        var step = new JsonObject { ["id"] = id, ["type"] = type, ["config"] = config };
        if (next is not null)
            step["next"] = next;
        return step;
    }

    private static JsonObject Workflow(string name, params JsonObject[] steps) =>
        new() { ["name"] = name, ["status"] = "active", ["steps"] = new JsonArray(steps) };

    /// <summary>Signs in through the sign-in page, then opens the path.</summary>
    private async Task<IPage> OpenAsync(string tenant, string path)
    {
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync(path);
        return page;
    }

    [Fact]
    public async Task RunningFromTheRunPage_WithAFormFilledInput_IsWatchedLiveToCompletion()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = Workflow("Greet slowly",
            Step("greet", "addField", new JsonObject { ["field"] = "greeting", ["value"] = "Hello {{variables.name}}!" }, "pause"),
            Step("pause", "wait", new JsonObject { ["duration"] = "2s" }, "done"),
            Step("done", "output", new JsonObject { ["value"] = new JsonObject { ["greeting"] = "{{variables.greeting}}" } }));
        workflow["input_schema"] = JsonNode.Parse("""{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"count":{"type":"integer"}}}""");
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var page = await OpenAsync(tenant, $"/ui/workflows/{id}/run");

        // The server's refusal of an input that breaks the schema is shown next to the field.
        await page.GetByLabel("count").FillAsync("2");
        await page.GetByRole(AriaRole.Radio, new() { Name = "JSON" }).CheckAsync();
        await page.GetByLabel("Input (JSON)").FillAsync("""{"count": 2}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "input_schema" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "name: is required" })).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/workflows/{id}/run$"));

        // Back on the form, the error is under its field.
        await page.GetByRole(AriaRole.Radio, new() { Name = "Form" }).CheckAsync();
        await Expect(page.GetByLabel("name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator(".field-error")).ToHaveTextAsync("is required");
        await page.GetByLabel("name").FillAsync("Ada");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/ui/executions/[0-9a-f-]+$"));
        await Expect(page.GetByTestId("connection")).ToHaveTextAsync("live");
        // The two-second wait is seen live: first waiting, then completed, without reloading the page.
        await Expect(Node(page, "pause")).ToHaveAttributeAsync("data-state", "waiting");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("waiting");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 20_000 });
        foreach (var step in new[] { "greet", "pause" })
            await Expect(Node(page, step)).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-percentage", "100");
        await Expect(page.GetByText("3 of 3 steps (100%)")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("timeline-bar")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("logs")).ToContainTextAsync("greet");

        // A step's details: its input and output.
        await Node(page, "greet").ClickAsync();
        await Expect(page.GetByTestId("step-output")).ToContainTextAsync("Hello Ada!");
        await Expect(page.GetByTestId("attempts")).ToContainTextAsync("completed");
    }

    [Fact]
    public async Task AManualInputStep_ShowsWaiting_AndTheSubmittedFormCompletesIt()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = Workflow("Approval",
            Step("approve", "manualInput", new JsonObject
            {
                ["prompt"] = "Approve the invoice?",
                ["fields"] = JsonNode.Parse("""[{"name":"approver","type":"string","required":true},{"name":"amount","type":"number"}]"""),
            }, "done"),
            Step("done", "output", new JsonObject { ["value"] = new JsonObject { ["ok"] = true } }));
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var execution = await browser.Server.ExecuteAsync(tenant, id);
        var page = await OpenAsync(tenant, $"/ui/executions/{execution}");

        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("waiting");
        await Expect(Node(page, "approve")).ToHaveAttributeAsync("data-state", "waiting");
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Input for approve" });
        await Expect(form).ToContainTextAsync("Approve the invoice?");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry from the failed step" })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeEnabledAsync();

        await form.GetByLabel("approver").FillAsync("Grace");
        await form.GetByLabel("amount").FillAsync("12.5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Submit input" }).ClickAsync();

        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Expect(Node(page, "approve")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(form).ToHaveCountAsync(0);
        await Node(page, "approve").ClickAsync();
        await Expect(page.GetByTestId("step-output")).ToContainTextAsync("Grace");
        Assert.Equal("completed", (await browser.Server.ExecutionAsync(tenant, execution))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFailedStep_IsShownWithItsError_AndRetryRunsItAgainToCompletion()
    {
        var tenant = WebUiServer.NewTenant();
        // The step needs a secret the tenant has not set yet: it fails, the secret is set, and the retry succeeds.
        var workflow = Workflow("Needs a secret",
            Step("call", "addField", new JsonObject { ["field"] = "key", ["value"] = "{{secrets.retry_key}}" }, "done"),
            Step("done", "output", new JsonObject { ["value"] = new JsonObject { ["ok"] = true } }));
        ((JsonObject)workflow["steps"]![0]!)["retry"] = new JsonObject { ["max_attempts"] = 1 };
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var execution = await browser.Server.ExecuteAsync(tenant, id);
        var page = await OpenAsync(tenant, $"/ui/executions/{execution}");

        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("failed");
        await Expect(Node(page, "call")).ToHaveAttributeAsync("data-state", "failed");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "skipped");
        await Expect(page.GetByRole(AriaRole.Alert).First).ToContainTextAsync("retry_key");
        await Node(page, "call").ClickAsync();
        await Expect(page.GetByTestId("attempts").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("step-error")).ToContainTextAsync("retry_key");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeDisabledAsync();

        var (status, _) = await browser.Server.ApiAsync(HttpMethod.Post, "api/secrets", tenant,
            new JsonObject { ["name"] = "retry_key", ["value"] = "s3cret" });
        Assert.Equal(201, status);
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry from the failed step" }).ClickAsync();

        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Expect(Node(page, "call")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "completed");
        var attempts = page.GetByTestId("attempts").Locator("tbody tr");
        await Expect(attempts).ToHaveCountAsync(2);
        await Expect(attempts.Nth(0)).ToContainTextAsync("failed");
        await Expect(attempts.Nth(1)).ToContainTextAsync("completed");
        await Expect(page.Locator("[data-testid=timeline-bar][data-step-id=call]")).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry from the failed step" })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task ManualMode_AdvancesOneStepAtATime()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = Workflow("Step by step",
            Step("first", "addField", new JsonObject { ["field"] = "a", ["value"] = 1 }, "second"),
            Step("second", "addField", new JsonObject { ["field"] = "b", ["value"] = 2 }, "third"),
            Step("third", "output", new JsonObject { ["value"] = new JsonObject { ["ok"] = true } }));
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var page = await OpenAsync(tenant, $"/ui/workflows/{id}/run");
        await page.GetByLabel("Manual (advance step by step)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/ui/executions/[0-9a-f-]+$"));

        var advance = page.GetByRole(AriaRole.Button, new() { Name = "Advance one step" });
        await Expect(page.GetByText("manual mode")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("connection")).ToHaveTextAsync("live");
        // Nothing runs until someone advances: every step is pending, and stays so.
        await Expect(Node(page, "first")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(page.GetByText("0 of 3 steps (0%)")).ToBeVisibleAsync();
        await Expect(advance).ToBeEnabledAsync();

        await advance.ClickAsync();
        await Expect(Node(page, "first")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Node(page, "second")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(Node(page, "third")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(page.GetByText("1 of 3 steps (33%)")).ToBeVisibleAsync();

        await Expect(advance).ToBeEnabledAsync();
        await advance.ClickAsync();
        await Expect(Node(page, "second")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Node(page, "third")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(page.GetByText("2 of 3 steps (67%)")).ToBeVisibleAsync();

        await Expect(advance).ToBeEnabledAsync();
        await advance.ClickAsync();
        await Expect(Node(page, "third")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Expect(advance).ToBeDisabledAsync();
    }

    [Fact]
    public async Task PauseResumeAndAnEventFromTheForm_DriveTheExecution_AndCancelEndsAnother()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = WaitsForGo();
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var execution = await browser.Server.ExecuteAsync(tenant, id);
        var page = await OpenAsync(tenant, $"/ui/executions/{execution}");
        var button = (string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

        await Expect(Node(page, "hold")).ToHaveAttributeAsync("data-state", "waiting");
        await Expect(button("Resume")).ToBeDisabledAsync();
        await Expect(button("Advance one step")).ToBeDisabledAsync();
        await button("Pause").ClickAsync();
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("paused");
        await Expect(button("Pause")).ToBeDisabledAsync();
        await button("Resume").ClickAsync();
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("waiting");

        var form = page.GetByRole(AriaRole.Form, new() { Name = "Send an event" });
        await form.GetByLabel("Event name").FillAsync("go");
        await form.GetByLabel("Payload (JSON)").FillAsync("""{"by": "operator"}""");
        await form.GetByRole(AriaRole.Button, new() { Name = "Send event" }).ClickAsync();
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Node(page, "hold").ClickAsync();
        await Expect(page.GetByTestId("step-output")).ToContainTextAsync("operator");
        await Expect(button("Cancel")).ToBeDisabledAsync();
        await Expect(form.GetByRole(AriaRole.Button, new() { Name = "Send event" })).ToBeDisabledAsync();

        var other = await browser.Server.ExecuteAsync(tenant, id);
        await page.GotoAsync($"/ui/executions/{other}");
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("waiting");
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await button("Cancel").ClickAsync();
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("cancelled");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "skipped");
        Assert.Equal("cancelled", (await browser.Server.ExecutionAsync(tenant, other))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task WhenTheWebSocketIsCut_TheViewReconnects_AndShowsTheStateReachedMeanwhile()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = WaitsForGo();
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var execution = await browser.Server.ExecuteAsync(tenant, id);
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        var blocked = false;
        var sockets = new List<IWebSocketRoute>();
        await page.RouteWebSocketAsync("**/api/workflows/ws", ws =>
        {
            if (blocked)
            {
                _ = ws.CloseAsync();
                return;
            }
            lock (sockets)
                sockets.Add(ws);
            ws.ConnectToServer();
        });
        await page.GotoAsync($"/ui/executions/{execution}");
        await Expect(page.GetByTestId("connection")).ToHaveTextAsync("live");
        await Expect(Node(page, "hold")).ToHaveAttributeAsync("data-state", "waiting");

        blocked = true;
        List<IWebSocketRoute> open;
        lock (sockets)
            open = [.. sockets];
        foreach (var ws in open)
            await ws.CloseAsync();
        await Expect(page.GetByTestId("connection")).ToHaveTextAsync("reconnecting…");

        // While the view is cut off the execution goes on to its end.
        var (status, _) = await browser.Server.ApiAsync(HttpMethod.Post, $"api/executions/{execution}/events", tenant,
            new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["by"] = "test" } });
        Assert.Equal(202, status);
        for (var i = 0; i < 100 && (await browser.Server.ExecutionAsync(tenant, execution))["status"]!.GetValue<string>() != "completed"; i++)
            await Task.Delay(100);
        Assert.Equal("completed", (await browser.Server.ExecutionAsync(tenant, execution))["status"]!.GetValue<string>());
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("waiting");

        blocked = false;
        await Expect(page.GetByTestId("connection")).ToHaveTextAsync("live", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Expect(Node(page, "hold")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-percentage", "100");
    }

    [Fact]
    public async Task ATestRun_ShowsItsTraceOnTheGraph()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = JsonNode.Parse("""
            {"name": "Greet a new user", "status": "active",
             "input_schema": {"type": "object", "required": ["name", "email"], "properties": {"name": {"type": "string"}, "email": {"type": "string"}}},
             "steps": [
               {"id": "check_email", "type": "condition", "config": {"field": "email", "operator": "contains", "value": "@"}, "next_steps": ["greet", "reject"]},
               {"id": "greet", "type": "addField", "config": {"field": "greeting", "value": "Hello {{variables.name}}!"}, "next": "done"},
               {"id": "reject", "type": "action", "config": {"action": "log_message", "message": "Invalid email {{variables.email}}", "level": "error"}},
               {"id": "done", "type": "output", "config": {"value": {"greeting": "{{variables.greeting}}"}}}
             ]}
            """)!.AsObject();
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var page = await OpenAsync(tenant, $"/ui/workflows/{id}/run");

        await page.GetByLabel("name").FillAsync("Ada");
        await page.GetByLabel("email").FillAsync("ada@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test run" }).ClickAsync();

        var trace = page.GetByTestId("test-trace");
        await Expect(trace.GetByTestId("test-status")).ToHaveTextAsync("completed");
        await Expect(trace.Locator("[data-testid=step-node][data-step-id=check_email]")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(trace.Locator("[data-testid=step-node][data-step-id=greet]")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(trace.Locator("[data-testid=step-node][data-step-id=reject]")).ToHaveAttributeAsync("data-state", "skipped");
        await Expect(trace.Locator("[data-testid=step-node][data-step-id=done]")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(trace.GetByTestId("test-output")).ToContainTextAsync("Hello Ada!");
        await Expect(trace.GetByTestId("timeline-bar")).ToHaveCountAsync(3);

        await trace.Locator("[data-testid=step-node][data-step-id=greet]").ClickAsync();
        await Expect(trace.GetByTestId("step-output")).ToContainTextAsync("Hello Ada!");
        await Expect(trace.GetByTestId("step-input")).ToBeVisibleAsync();
        // A test run stays on the Run page.
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/workflows/{id}/run$"));
    }

    [Fact]
    public async Task ATestRunSkippingTime_AndTheWorkflowsTestCases_ShowSkippedTimeAndGreenOrRed()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = JsonNode.Parse("""
            {"name": "Cool off", "status": "active",
             "steps": [
               {"id": "hold", "type": "wait", "config": {"duration": "2d"}, "next": "done"},
               {"id": "done", "type": "output", "config": {"value": {"ok": true}}}
             ],
             "tests": [
               {"name": "ends ok", "expect": {"status": "completed", "output": {"ok": true}}},
               {"name": "expects the wrong output", "expect": {"output": {"ok": false}}}
             ]}
            """)!.AsObject();
        var id = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var page = await OpenAsync(tenant, $"/ui/workflows/{id}/run");

        await page.GetByLabel("Skip time in the test run").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test run" }).ClickAsync();
        var trace = page.GetByTestId("test-trace");
        await Expect(trace.GetByTestId("test-status")).ToHaveTextAsync("completed");
        await Expect(trace.GetByTestId("skipped-time")).ToContainTextAsync("Skipped 2 d");

        var cases = page.GetByTestId("test-cases");
        await Expect(cases.GetByTestId("test-case")).ToHaveCountAsync(2);
        await Expect(cases.GetByTestId("test-case").First).ToContainTextAsync("not run");
        await cases.GetByRole(AriaRole.Button, new() { Name = "Run test cases" }).ClickAsync();
        await Expect(cases.GetByTestId("test-summary")).ToHaveTextAsync("1 passed, 1 failed");
        await Expect(cases.GetByTestId("test-case").First).ToContainTextAsync("passed");
        await Expect(cases.GetByTestId("test-case").Last).ToContainTextAsync("failed");
        await Expect(cases.GetByTestId("test-case").Last).ToContainTextAsync("output.ok is true, expected false.");
    }

    [Fact]
    public async Task AnEndedExecution_IsRunAgain_ExportedAndDeleted_FromItsPage()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Workflow("Quick",
            Step("done", "output", new JsonObject { ["value"] = new JsonObject { ["ok"] = true } })));
        var first = await browser.Server.ExecuteAsync(tenant, id);
        var page = await OpenAsync(tenant, $"/ui/executions/{first}");
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Export JSON" }).ClickAsync());
        Assert.Equal($"execution-{first}.json", download.SuggestedFilename);
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(await download.PathAsync()))!;
        Assert.Equal(first, exported["execution"]!["id"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Run again", Exact = true }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex($"/ui/executions/{first}$"));
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        var second = page.Url.Split('/')[^1];
        Assert.Equal("completed", (await browser.Server.ExecutionAsync(tenant, second))["status"]!.GetValue<string>());

        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/ui/executions$"));
        var (status, _) = await browser.Server.ApiAsync(HttpMethod.Get, $"/api/executions/{second}", tenant);
        Assert.Equal(404, status);
        Assert.Equal("completed", (await browser.Server.ExecutionAsync(tenant, first))["status"]!.GetValue<string>());
    }

    /// <summary>Waits for the event "go", then outputs {"ok": true}.</summary>
    private static JsonObject WaitsForGo() => Workflow("Waits for go",
        Step("hold", "wait", new JsonObject { ["event"] = "go" }, "done"),
        Step("done", "output", new JsonObject { ["value"] = new JsonObject { ["ok"] = true } }));
}
