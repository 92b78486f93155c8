using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The visual editor in a real Chromium against a real server: building a workflow by drag and drop, live
/// validation, saving, round trips of the examples, undo/redo, copy/paste and the keyboard way.</summary>
public sealed class EditorTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Node(IPage page, string id) => page.Locator($".react-flow__node:has([data-step-id='{id}'])");

    private static async Task<IPage> OpenEditorAsync(BrowserFixture browser, string tenant, string workflowId)
    {
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.SetViewportSizeAsync(1600, 1000);
        await page.GotoAsync($"/ui/workflows/{workflowId}/edit");
        await Expect(page.GetByTestId("editor-canvas")).ToBeVisibleAsync();
        return page;
    }

    private static async Task DragAsync(IPage page, ILocator from, ILocator to)
    {
        var a = (await from.BoundingBoxAsync())!;
        var b = (await to.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(a.X + a.Width / 2, a.Y + a.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(a.X + a.Width / 2 + 10, a.Y + a.Height / 2 + 10, new() { Steps = 3 });
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + b.Height / 2, new() { Steps = 10 });
        await page.Mouse.UpAsync();
    }

    private static Task ConnectAsync(IPage page, string source, string target, string handle = "out") =>
        DragAsync(page, page.Locator($"[data-step-id='{source}'] [data-handleid='{handle}']"), page.Locator($"[data-step-id='{target}'] .react-flow__handle-top"));

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public async Task BuildingByDragAndDrop_ValidatesLive_SavesAVersion_ThatRunsToCompletion()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Parse("""
            {"name": "Built in the editor", "status": "active",
             "steps": [{"id": "start", "type": "addField", "config": {"field": "amount", "value": 5}}]}
            """));
        var page = await OpenEditorAsync(browser, tenant, id);
        await Expect(Node(page, "start")).ToBeVisibleAsync();
        var canvas = page.GetByTestId("editor-canvas");
        var box = (await canvas.BoundingBoxAsync())!;

        async Task DropAsync(string type, double fx, double fy) =>
            await page.GetByTestId($"palette-{type}").DragToAsync(canvas, new() { TargetPosition = new() { X = (float)(box.Width * fx), Y = (float)(box.Height * fy) } });
        await DropAsync("condition", 0.2, 0.15);
        await DropAsync("parallel", 0.2, 0.8);
        await DropAsync("output", 0.8, 0.15);
        await DropAsync("addField", 0.82, 0.5);
        await DropAsync("addField", 0.55, 0.75);
        foreach (var step in new[] { "condition_1", "parallel_1", "output_1", "addField_1", "addField_2" })
            await Expect(Node(page, step)).ToBeVisibleAsync();

        await ConnectAsync(page, "start", "condition_1");
        await ConnectAsync(page, "condition_1", "parallel_1");
        await ConnectAsync(page, "condition_1", "output_1");
        await ConnectAsync(page, "parallel_1", "addField_1");
        await ConnectAsync(page, "parallel_1", "addField_2");
        await Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(5);

        // The condition's two branches have no expression yet, and the new addField steps set nothing: both are shown.
        await Expect(Node(page, "condition_1").Locator(".step-errors")).ToBeVisibleAsync();
        await Expect(Node(page, "addField_1").Locator(".step-errors")).ToBeVisibleAsync();

        await Node(page, "condition_1").ClickAsync();
        var inspector = page.GetByRole(AriaRole.Complementary, new() { Name = "Step condition_1" });
        var first = inspector.GetByLabel("Condition 1", new() { Exact = true });
        await first.FillAsync("$.variables.amount >");
        await Expect(first).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(first).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        await first.FillAsync("$.variables.amount > 3");
        await inspector.GetByLabel("Condition 2", new() { Exact = true }).FillAsync("$.variables.amount <= 3");
        await Expect(first).ToHaveAttributeAsync("aria-invalid", "false");
        await Expect(Node(page, "condition_1").Locator(".step-errors")).ToHaveCountAsync(0);

        foreach (var (step, field, value) in new[] { ("addField_1", "a", "1"), ("addField_2", "b", "2") })
        {
            await Node(page, step).ClickAsync();
            var panel = page.GetByRole(AriaRole.Complementary, new() { Name = $"Step {step}" });
            await panel.GetByLabel("field", new() { Exact = true }).FillAsync(field);
            await panel.GetByLabel("value", new() { Exact = true }).FillAsync(value);
        }
        await Expect(page.Locator(".step-errors")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Valid.");
        await Expect(page.GetByTestId("unsaved")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Saved as version 2");
        await Expect(page.GetByTestId("unsaved")).ToHaveCountAsync(0);

        var (definition, version) = await browser.Server.StoredDefinitionAsync(tenant, id);
        Assert.Equal(2, version);
        var steps = definition["steps"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!.AsObject());
        Assert.Equal(["start", "condition_1", "parallel_1", "output_1", "addField_1", "addField_2"], steps.Keys);
        Assert.Equal("condition_1", steps["start"]["next"]!.GetValue<string>());
        Assert.Equal("condition", steps["condition_1"]["type"]!.GetValue<string>());
        var conditions = steps["condition_1"]["config"]!["conditions"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(Parse("""{"condition": "$.variables.amount > 3", "next": "parallel_1"}"""), conditions[0]), conditions.ToJsonString());
        Assert.True(JsonNode.DeepEquals(Parse("""{"condition": "$.variables.amount <= 3", "next": "output_1"}"""), conditions[1]), conditions.ToJsonString());
        Assert.Equal("parallel", steps["parallel_1"]["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonArray("addField_1", "addField_2"), steps["parallel_1"]["next_steps"]));
        Assert.True(JsonNode.DeepEquals(Parse("""{"field": "a", "value": 1}"""), steps["addField_1"]["config"]));
        Assert.All(steps.Values.Where(s => s["id"]!.GetValue<string>() != "start"), s => Assert.NotNull(s["position"]?["x"]));
        Assert.Null(steps["start"]["position"]);

        var execution = await browser.Server.RunToEndAsync(tenant, id, new JsonObject());
        Assert.True(execution["status"]!.GetValue<string>() == "completed", execution.ToJsonString());
    }
}
