using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The slider over an execution's history in the live view, in a real Chromium against a real server: it
/// starts at the last point, moving it shows the context the server rebuilt for that point, and "Re-run from here"
/// opens the new test execution.</summary>
public sealed class HistorySliderTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static JsonObject Step(string id, string type, JsonObject config, string? next = null)
    {
        var step = new JsonObject { ["id"] = id, ["type"] = type, ["config"] = config };
        if (next is not null)
            step["next"] = next;
        return step;
    }

    [Fact]
    public async Task Slider_ShowsTheContextAfterEachPoint_AndReRunsFromOne()
    {
        var tenant = WebUiServer.NewTenant();
        var workflow = new JsonObject
        {
            ["name"] = "Greet then answer", ["status"] = "active",
            ["steps"] = new JsonArray(
                Step("greet", "addField", new JsonObject { ["field"] = "greeting", ["value"] = "Hello {{variables.name}}!" }, "done"),
                Step("done", "output", new JsonObject { ["value"] = new JsonObject { ["said"] = "{{variables.greeting}}" } })),
        };
        var workflowId = await browser.Server.CreateWorkflowAsync(tenant, workflow);
        var ended = await browser.Server.RunToEndAsync(tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        var id = ended["id"]!.GetValue<string>();
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/executions/{id}");

        var slider = page.GetByRole(AriaRole.Slider, new() { Name = "Point in history" });
        var point = page.GetByTestId("history-point");
        var context = page.GetByTestId("history-context");
        await Expect(point).ToHaveAttributeAsync("data-index", "2");
        await Expect(point).ToContainTextAsync("execution completed");
        await Expect(context).ToContainTextAsync("\"said\": \"Hello Ada!\"");

        await slider.FillAsync("0");
        await Expect(point).ToHaveAttributeAsync("data-index", "0");
        await Expect(point).ToContainTextAsync("start");
        await Expect(context).Not.ToContainTextAsync("greeting");
        await Expect(context).ToContainTextAsync("\"name\": \"Ada\"");

        await slider.FillAsync("1");
        await Expect(point).ToContainTextAsync("greet completed, execution running");
        await Expect(context).ToContainTextAsync("\"greeting\": \"Hello Ada!\"");
        await Expect(context).Not.ToContainTextAsync("said");

        await page.GetByRole(AriaRole.Button, new() { Name = "Re-run from here" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex(id));
        await Expect(page).ToHaveURLAsync(new Regex("/ui/executions/[0-9a-f-]+$"));
        await Expect(page.GetByTestId("execution-status")).ToHaveTextAsync("completed", new() { Timeout = 20_000 });
    }
}
