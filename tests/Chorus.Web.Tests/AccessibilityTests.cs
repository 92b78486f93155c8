using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>axe (WCAG 2 A and AA rules) on each main page of the UI, and the keyboard: Tab reaches the controls in order,
/// each with a visible focus.</summary>
public sealed class AccessibilityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>A page axe checks: how to get there (the URL, after any setup over the API, in the tenant) and what shows
    /// that it has finished loading. Add a page here to have it checked.</summary>
    /// <param name="SignedIn">Whether the page is opened signed in (every page but sign-in).</param>
    public sealed record CheckedPage(string Name, bool SignedIn, Func<WebUiServer, string, Task<string>> Setup, Func<IPage, Task> Ready);

    public static readonly CheckedPage[] Pages =
    [
        new("sign-in", SignedIn: false,
            (_, _) => Task.FromResult("/ui/sign-in"),
            page => Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Chorus" })).ToBeVisibleAsync()),
        new("workflows", SignedIn: true,
            async (server, tenant) =>
            {
                await server.CreateWorkflowAsync(tenant, "Invoice approval");
                await server.CreateWorkflowAsync(tenant, "Nightly report");
                return "/ui/workflows";
            },
            page => Expect(page.GetByTestId("workflow-row")).ToHaveCountAsync(2)),
        new("workflow overview", SignedIn: true,
            async (server, tenant) => $"/ui/workflows/{await VersionsTests.CreateWithThreeVersionsAsync(tenant, server)}",
            page => Expect(page.GetByTestId("step-node")).ToHaveCountAsync(3)),
        new("versions", SignedIn: true,
            async (server, tenant) => $"/ui/workflows/{await VersionsTests.CreateWithThreeVersionsAsync(tenant, server)}/versions",
            async page =>
            {
                await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(3);
                await Expect(page.GetByTestId("step-diff").First).ToBeVisibleAsync();
            }),
        new("migrations", SignedIn: true,
            async (server, tenant) => $"/ui/workflows/{await VersionsTests.CreateWithThreeVersionsAsync(tenant, server)}/migrations",
            async page =>
            {
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Migrate executions" })).ToBeVisibleAsync();
                await Expect(page.GetByLabel("Move onto")).ToBeVisibleAsync();
                await Expect(page.GetByText("No migration yet.")).ToBeVisibleAsync();
            }),
        new("editor", SignedIn: true,
            async (server, tenant) => $"/ui/workflows/{await VersionsTests.CreateWithThreeVersionsAsync(tenant, server)}/edit",
            async page =>
            {
                await Expect(page.GetByTestId("editor-canvas")).ToBeVisibleAsync();
                await Expect(page.Locator(".react-flow__node-step")).ToHaveCountAsync(3);
            }),
        new("new workflow", SignedIn: true,
            (_, _) => Task.FromResult("/ui/workflows/new"),
            page => Expect(page.GetByTestId("template")).ToHaveCountAsync(5)),
        new("run", SignedIn: true,
            async (server, tenant) => $"/ui/workflows/{await server.CreateWorkflowAsync(tenant, WithInput("Greet someone"))}/run",
            async page =>
            {
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Run Greet someone" })).ToBeVisibleAsync();
                await Expect(page.GetByLabel("name")).ToBeVisibleAsync();
            }),
        new("execution", SignedIn: true,
            async (server, tenant) =>
            {
                var workflow = await server.CreateWorkflowAsync(tenant, WithInput("Greet someone"));
                var execution = await server.RunToEndAsync(tenant, workflow, new JsonObject { ["name"] = "Ada", ["count"] = 2 });
                Assert.Equal("completed", execution["status"]!.GetValue<string>());
                return $"/ui/executions/{execution["id"]!.GetValue<string>()}";
            },
            async page =>
            {
                await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed");
                await Expect(page.GetByTestId("step-node")).ToHaveCountAsync(2);
                await Expect(page.GetByTestId("timeline-bar")).ToHaveCountAsync(2);
                await Expect(page.GetByTestId("logs")).ToContainTextAsync("greet");
            }),
        new("executions", SignedIn: true,
            async (server, tenant) =>
            {
                var waits = await server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Waits"));
                var quick = await server.CreateWorkflowAsync(tenant, "Quick");
                var waiting = await server.ExecuteAsync(tenant, waits);
                var completed = await server.ExecuteAsync(tenant, quick);
                await server.WaitForStatusAsync(tenant, waiting, "waiting");
                await server.WaitForStatusAsync(tenant, completed, "completed");
                return "/ui/executions";
            },
            page => Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(2)),
        new("usage", SignedIn: true,
            async (server, tenant) =>
            {
                var workflow = await server.CreateWorkflowAsync(tenant, "Used");
                await server.WaitForStatusAsync(tenant, await server.ExecuteAsync(tenant, workflow), "completed");
                return "/ui/usage";
            },
            async page =>
            {
                await Expect(page.GetByTestId("tier")).ToBeVisibleAsync();
                await Expect(page.GetByTestId("usage-workflows").GetByTestId("used")).ToHaveTextAsync("1");
            }),
    ];

    /// <summary>A workflow of two steps whose input schema gives the run page a form: a required text and a number.</summary>
    private static JsonObject WithInput(string name) => new()
    {
        ["name"] = name,
        ["status"] = "active",
        ["input_schema"] = JsonNode.Parse("""{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"count":{"type":"integer"}}}"""),
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "greet", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "greeting", ["value"] = "Hello {{variables.name}}!" }, ["next"] = "done" },
            new JsonObject { ["id"] = "done", ["type"] = "output", ["config"] = new JsonObject { ["value"] = new JsonObject { ["greeting"] = "{{variables.greeting}}" } } }),
    };

    public static TheoryData<string> PageNames => new(Pages.Select(p => p.Name));

    /// <summary>WCAG 2.0 and 2.1, levels A and AA.</summary>
    private static readonly AxeRunOptions Wcag2AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        ResultTypes = [ResultType.Violations],
    };

    [Theory]
    [MemberData(nameof(PageNames))]
    public async Task ThePage_HasNoAxeViolations(string name)
    {
        var checkedPage = Pages.Single(p => p.Name == name);
        var tenant = WebUiServer.NewTenant();
        var url = await checkedPage.Setup(browser.Server, tenant);
        var page = checkedPage.SignedIn ? await UiSession.SignedInPageAsync(browser, tenant) : await browser.NewPageAsync();

        await page.GotoAsync(url);
        await checkedPage.Ready(page);

        var result = await page.RunAxe(Wcag2AA);
        Assert.True(result.Violations.Length == 0, $"axe found violations on {name} ({url}):\n{Describe(result.Violations)}");
    }

    [Fact]
    public async Task TheWorkflowsList_TabReachesTheNavigationTheSearchBoxAndEachWorkflow_InOrder_WithVisibleFocus()
    {
        var tenant = WebUiServer.NewTenant();
        await browser.Server.CreateWorkflowAsync(tenant, "Alpha flow");
        await browser.Server.CreateWorkflowAsync(tenant, "Beta flow");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await Expect(page.GetByTestId("workflow-row")).ToHaveCountAsync(2);

        var rowLinks = await page.GetByTestId("workflow-row").GetByRole(AriaRole.Link).AllTextContentsAsync();
        Assert.Equal(["Alpha flow", "Beta flow"], rowLinks.Order());

        var stops = await TabThroughAsync(page);

        // The workflows in the order the list shows them.
        AssertInOrder(stops, ["link Chorus", "link Workflows", "link Executions", "link Usage", "button Sign out",
            "input Search workflows by name", .. rowLinks.Select(name => $"link {name}")]);
    }

    [Fact]
    public async Task TheVersionsPage_TabReachesTheTabsRevertButtonsAndComparePickers_InOrder_WithVisibleFocus()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await VersionsTests.CreateWithThreeVersionsAsync(tenant, browser.Server);
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/versions");
        await Expect(page.GetByTestId("step-diff").First).ToBeVisibleAsync();

        var stops = await TabThroughAsync(page);

        AssertInOrder(stops, "link Overview", "link Versions", "button Revert to v2", "button Revert to v1",
            "select From", "select To");
        // The graph's steps are reachable too (React Flow makes them focusable), each with a visible focus.
        Assert.Contains(stops, s => s.StartsWith("step ", StringComparison.Ordinal));

        // Enter on a revert button opens its confirmation, with the focus on the confirm button.
        await page.GetByRole(AriaRole.Button, new() { Name = "Revert to v1" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm revert" })).ToBeFocusedAsync();
    }

    /// <summary>Presses Tab from the top of the page until the focus leaves it, and names each element reached
    /// ("link Workflows", "input Search ...", "step greet"). Fails when an element takes the focus without a visible
    /// focus indicator (an outline or a box shadow).</summary>
    private static async Task<List<string>> TabThroughAsync(IPage page)
    {
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.getSelection()?.removeAllRanges(); }");
        var stops = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<JsonElement?>(FocusedScript);
            if (stop is not { } focused)
                break;
            var label = focused.GetProperty("label").GetString()!;
            if (stops.Count > 0 && stops[^1] == label && label.StartsWith("body", StringComparison.Ordinal))
                break;
            Assert.True(focused.GetProperty("visible").GetBoolean(), $"'{label}' takes the focus without a visible focus indicator ({focused.GetProperty("style").GetString()})");
            stops.Add(label);
        }
        return stops;
    }

    // The focused element, named by its kind and label, and whether its focus shows: an outline or a box shadow; for a
    // graph step (React Flow focuses its wrapper) a box shadow on the step inside it; for a route a thicker line.
    private const string FocusedScript = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const step = el.classList.contains('react-flow__node') ? el.querySelector('.step-node') : null;
          const route = el.classList.contains('react-flow__edge') ? el.querySelector('.react-flow__edge-path') : null;
          const shows = (e) => {
            if (!e) return false;
            const s = getComputedStyle(e);
            if (e === route) return parseFloat(s.strokeWidth) >= 3;
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
          };
          const label = (() => {
            if (step) return 'step ' + step.getAttribute('data-step-id');
            if (route) return 'route ' + el.getAttribute('aria-label');
            const tag = el.tagName.toLowerCase();
            const labelled = el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) || el.textContent;
            const kind = tag === 'a' ? 'link' : tag === 'button' ? 'button' : tag === 'select' ? 'select' : tag === 'input' || tag === 'textarea' ? 'input' : (el.getAttribute('role') || tag);
            return kind + ' ' + (labelled || '').trim().replace(/\s+/g, ' ');
          })();
          const s = getComputedStyle(el);
          return { label, visible: shows(el) || shows(step) || shows(route), style: `outline: ${s.outlineStyle} ${s.outlineWidth}; box-shadow: ${s.boxShadow}` };
        }
        """;

    private static void AssertInOrder(List<string> stops, params string[] expected)
    {
        var at = 0;
        foreach (var want in expected)
        {
            var found = stops.FindIndex(at, s => s == want);
            Assert.True(found >= 0, $"Tab did not reach '{want}' after '{(at > 0 ? stops[at - 1] : "the start")}'. Focus went: {string.Join(" → ", stops)}");
            at = found + 1;
        }
    }

    private static string Describe(AxeResultItem[] violations)
    {
        var text = new StringBuilder();
        foreach (var v in violations)
        {
            text.AppendLine($"- {v.Id} ({v.Impact}): {v.Help} {v.HelpUrl}");
            foreach (var node in v.Nodes.Take(5))
            {
                var checks = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message);
                text.AppendLine($"    at {node.Target}: {node.Html}\n      {string.Join("; ", checks)}");
            }
        }
        return text.ToString();
    }
}
