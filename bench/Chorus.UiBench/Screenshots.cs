using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Chorus.UiBench;

/// <summary>SHOTS: screenshots of the main screens, 1280×800 PNG, into docs/screenshots/, against a server holding a few
/// workflows (the examples among them) and executions in several states. To add a screen, add a line to
/// <see cref="Screens"/>.</summary>
internal static class Screenshots
{
    /// <summary>What the screens need: ids of the demo data.</summary>
    internal sealed record Demo(string Workflow, string LargeWorkflow, string Completed, string Failed, string Waiting);

    /// <summary>File name, address, what shows that the page has its data (null: the page's load is enough), and what to
    /// do on the page before the shot (null: nothing).</summary>
    private static readonly (string File, Func<Demo, string> Path, string? Ready, Func<IPage, Task>? Then)[] Screens =
    [
        ("workflows", _ => "/ui/workflows", "[data-testid=workflow-row]", null),
        ("workflow-overview", d => $"/ui/workflows/{d.Workflow}", ".react-flow__node", null),
        ("editor", d => $"/ui/workflows/{d.Workflow}/edit", ".react-flow__node", null),
        ("run", d => $"/ui/workflows/{d.Workflow}/run", "form.run-form", async page =>
        {
            await page.GetByLabel("amount").FillAsync("250");
            await page.GetByLabel("customer").FillAsync("Ada");
            await page.EvaluateAsync("() => document.activeElement?.blur()");
        }),
        ("execution", d => $"/ui/executions/{d.Completed}", "[data-testid=timeline-bar]", async page =>
        {
            await page.Locator(".step-picker select").SelectOptionAsync("notify");
            await page.GetByTestId("step-output").WaitForAsync();
        }),
        ("executions", _ => "/ui/executions", "[data-testid=execution-row]", null),
        ("versions-diff", d => $"/ui/workflows/{d.Workflow}/versions", "[data-testid=step-diff]", null),
    ];

    public static async Task<string> RunAsync(string repository, string output, string? only)
    {
        Directory.CreateDirectory(output);
        await using var server = await BenchServer.StartAsync();
        const string tenant = "acme";
        var demo = await DemoDataAsync(server, repository, tenant);

        await using var browser = await UiBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(server.Address);
        var saved = new List<string>();
        bool Wanted(string file) => only is null || only.Split(',').Contains(file);

        if (Wanted("sign-in"))
        {
            await page.GotoAsync("/ui/sign-in");
            await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Chorus" }).WaitForAsync();
            await SaveAsync(page, output, "sign-in");
            saved.Add("sign-in");
        }
        await UiBrowser.SignInAsync(page, BenchServer.Token(tenant));
        foreach (var (file, path, ready, then) in Screens.Where(s => Wanted(s.File)))
        {
            await page.GotoAsync(path(demo));
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            if (ready is not null)
                await page.Locator(ready).First.WaitForAsync();
            if (then is not null)
                await then(page);
            await page.WaitForTimeoutAsync(300); // let the graph's fit and fonts settle
            await SaveAsync(page, output, file);
            saved.Add(file);
        }
        return $"SHOTS saved {string.Join(", ", saved)} in {output}";
    }

    private static Task SaveAsync(IPage page, string output, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(output, name + ".png"), Type = ScreenshotType.Png });

    /// <summary>The examples, an approval flow with a condition and parallel branches (saved twice, so it has versions
    /// to compare), and executions that completed, failed and wait.</summary>
    private static async Task<Demo> DemoDataAsync(BenchServer server, string repository, string tenant)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(repository, "examples"), "*.json").Order())
        {
            var definition = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            if (definition["name"] is null) // seed 002's file has steps only
                definition["name"] = "User onboarding";
            var (status, body) = await server.ApiAsync(HttpMethod.Post, "api/workflows", tenant, definition);
            if (status != 201)
                Console.Error.WriteLine($"  {Path.GetFileName(file)} was not created: HTTP {status} {body?["error"]?["message"]}");
        }
        var order = Order(approvalLimit: 1000);
        var workflow = await server.CreateWorkflowAsync(tenant, order);
        await server.MustAsync(HttpMethod.Put, $"api/workflows/{workflow}", tenant, Order(approvalLimit: 500), 200);
        var largeDefinition = EditorFrames.LargeWorkflow(60);
        largeDefinition["name"] = "Batch import (60 steps)";
        var large = await server.CreateWorkflowAsync(tenant, largeDefinition);

        var completed = await server.StartExecutionAsync(tenant, workflow, new JsonObject { ["amount"] = 250, ["customer"] = "Ada" });
        await server.StartExecutionAsync(tenant, workflow, new JsonObject { ["amount"] = 900, ["customer"] = "Grace" });
        await server.StartExecutionAsync(tenant, large);
        var failing = await server.CreateWorkflowAsync(tenant, new JsonObject
        {
            ["name"] = "Sync the CRM",
            ["status"] = "active",
            ["steps"] = new JsonArray(
                new JsonObject { ["id"] = "load", ["name"] = "Load contacts", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "contacts", ["value"] = 3 }, ["next"] = "push" },
                new JsonObject
                {
                    ["id"] = "push", ["name"] = "Push to CRM", ["type"] = "http", ["retry"] = new JsonObject { ["max_attempts"] = 1 },
                    ["config"] = new JsonObject { ["url"] = "http://crm.invalid/api/contacts", ["method"] = "POST" },
                }),
        });
        var failed = await server.StartExecutionAsync(tenant, failing);
        var waitingFlow = await server.CreateWorkflowAsync(tenant, new JsonObject
        {
            ["name"] = "Nightly report",
            ["status"] = "active",
            ["steps"] = new JsonArray(
                new JsonObject { ["id"] = "collect", ["name"] = "Collect figures", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "rows", ["value"] = 42 }, ["next"] = "wait" },
                new JsonObject { ["id"] = "wait", ["name"] = "Wait for sign-off", ["type"] = "wait", ["config"] = new JsonObject { ["event"] = "signed_off" }, ["next"] = "send" },
                new JsonObject { ["id"] = "send", ["name"] = "Send report", ["type"] = "output", ["config"] = new JsonObject { ["value"] = new JsonObject { ["sent"] = true } } }),
        });
        var waiting = await server.StartExecutionAsync(tenant, waitingFlow);
        foreach (var id in new[] { completed, failed, waiting })
            await SettledAsync(server, tenant, id);
        return new Demo(workflow, large, completed, failed, waiting);
    }

    private static async Task SettledAsync(BenchServer server, string tenant, string execution)
    {
        for (var i = 0; i < 200; i++)
        {
            var (_, body) = await server.ApiAsync(HttpMethod.Get, $"api/executions/{execution}", tenant);
            if (body?["status"]?.GetValue<string>() is "completed" or "failed" or "waiting")
                return;
            await Task.Delay(100);
        }
        Console.Error.WriteLine($"  execution {execution} had not settled");
    }

    private static JsonObject Order(int approvalLimit) => new()
    {
        ["name"] = "Order approval",
        ["description"] = "Checks an order, approves small ones at once, and prepares invoice, shipping and a notice in parallel.",
        ["status"] = "active",
        ["input_schema"] = JsonNode.Parse("""{"type": "object", "required": ["amount", "customer"], "properties": {"amount": {"type": "number"}, "customer": {"type": "string"}}}"""),
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "receive", ["name"] = "Receive order", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "received", ["value"] = true }, ["next"] = "check" },
            new JsonObject
            {
                ["id"] = "check", ["name"] = "Small order?", ["type"] = "condition",
                ["config"] = new JsonObject { ["field"] = "amount", ["operator"] = "less_than", ["value"] = approvalLimit },
                ["next_steps"] = new JsonArray("approve", "review"),
            },
            new JsonObject { ["id"] = "approve", ["name"] = "Approve", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "approved", ["value"] = true }, ["next"] = "fulfil" },
            new JsonObject { ["id"] = "review", ["name"] = "Flag for review", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "approved", ["value"] = false }, ["next"] = "fulfil" },
            new JsonObject { ["id"] = "fulfil", ["name"] = "Fulfil", ["type"] = "parallel", ["next_steps"] = new JsonArray("invoice", "ship", "notify") },
            new JsonObject { ["id"] = "invoice", ["name"] = "Invoice", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "invoiced", ["value"] = true }, ["next"] = "done" },
            new JsonObject { ["id"] = "ship", ["name"] = "Ship", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "shipped", ["value"] = true }, ["next"] = "done" },
            new JsonObject { ["id"] = "notify", ["name"] = "Notify customer", ["type"] = "action", ["config"] = new JsonObject { ["action"] = "log_message", ["message"] = "Order for {{variables.customer}} is on its way", ["level"] = "info" }, ["next"] = "done" },
            new JsonObject { ["id"] = "done", ["name"] = "Done", ["type"] = "join" }),
    };
}
