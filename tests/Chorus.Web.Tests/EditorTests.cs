using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The visual editor in a real Chromium against a real server: building a workflow by drag and drop, live
/// validation, saving, round trips of the examples, undo/redo, copy/paste and the keyboard way.</summary>
public sealed class EditorTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Node(IPage page, string id) => page.Locator($".react-flow__node:has([data-step-id='{id}'])");

    /// <summary>Signs in and opens the editor; drags and clicks get room on a busy machine.</summary>
    private static async Task<IPage> OpenEditorAsync(BrowserFixture browser, string tenant, string workflowId)
    {
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        page.Context.SetDefaultTimeout(45_000);
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

        var routes = new[] { ("start", "condition_1"), ("condition_1", "parallel_1"), ("condition_1", "output_1"), ("parallel_1", "addField_1"), ("parallel_1", "addField_2") };
        for (var i = 0; i < routes.Length; i++)
        {
            await ConnectAsync(page, routes[i].Item1, routes[i].Item2);
            await Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(i + 1);
        }

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

    /// <summary>discovery.json uses the step types of the demo steps service (fetch_user, ...), which this server does
    /// not have; it goes round with those types swapped for "comment" (every other field as written), so its retries,
    /// descriptions and expression condition still make the trip.</summary>
    [Fact]
    public async Task EveryExample_OpenedAndSavedUnchanged_IsStoredDeepEqual_WithoutANewVersion()
    {
        var tenant = WebUiServer.NewTenant();
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        var files = Directory.GetFiles(WebUiServer.ExamplesFolder(), "*.json").OrderBy(f => f).ToList();
        Assert.True(files.Count >= 3, string.Join(", ", files));
        var (_, available) = await browser.Server.ApiAsync(HttpMethod.Get, "api/available-steps", tenant);
        var known = available!["steps"]!.AsArray().Select(s => s!["type"]!.GetValue<string>()).ToHashSet();
        foreach (var file in files)
        {
            var written = Parse(File.ReadAllText(file));
            if (Path.GetFileName(file) == "discovery.json")
                foreach (var step in written["steps"]!.AsArray())
                    if (!known.Contains(step!["type"]!.GetValue<string>()))
                        step["type"] = "comment";
            var id = await browser.Server.CreateWorkflowAsync(tenant, (JsonObject)written.DeepClone());
            await page.GotoAsync($"/ui/workflows/{id}/edit");
            await Expect(page.Locator(".react-flow__node-step")).ToHaveCountAsync(written["steps"]!.AsArray().Count);
            await Expect(page.GetByTestId("unsaved")).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

            await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("No changes; still version 1");
            var (stored, version) = await browser.Server.StoredDefinitionAsync(tenant, id);
            Assert.Equal(1, version);
            Assert.True(JsonNode.DeepEquals(written, stored), $"{Path.GetFileName(file)}: {stored.ToJsonString()}");
        }
    }

    [Fact]
    public async Task UndoRedo_AndCopyPaste_ChangeTheGraph()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Parse("""
            {"name": "Copy me", "steps": [
              {"id": "a", "type": "addField", "config": {"field": "x", "value": 1}, "next": "b"},
              {"id": "b", "type": "output", "config": {"value": {"x": "{{variables.x}}"}}}]}
            """));
        var page = await OpenEditorAsync(browser, tenant, id);
        var nodes = page.Locator(".react-flow__node-step");
        var edges = page.Locator(".react-flow__edge");
        await Expect(nodes).ToHaveCountAsync(2);

        // Both steps copied and pasted: the copies get new ids and the route between them follows the copies.
        await Node(page, "a").ClickAsync();
        await Node(page, "b").ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await page.Keyboard.PressAsync("Control+c");
        await page.Keyboard.PressAsync("Control+v");
        await Expect(nodes).ToHaveCountAsync(4);
        await Expect(Node(page, "a_1")).ToBeVisibleAsync();
        await Expect(Node(page, "b_1")).ToBeVisibleAsync();
        await Expect(edges).ToHaveCountAsync(2);

        await page.Keyboard.PressAsync("Control+z");
        await Expect(nodes).ToHaveCountAsync(2);
        await page.Keyboard.PressAsync("Control+Shift+z");
        await Expect(nodes).ToHaveCountAsync(4);
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Expect(nodes).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Redo" }).ClickAsync();
        await Expect(nodes).ToHaveCountAsync(4);

        // Deleting a step removes the route to it; undo brings both back.
        await page.Locator(".react-flow__pane").ClickAsync(new() { Position = new() { X = 5, Y = 5 } });
        await Node(page, "b_1").ClickAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(nodes).ToHaveCountAsync(3);
        await Expect(edges).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Control+z");
        await Expect(nodes).ToHaveCountAsync(4);
        await Expect(edges).ToHaveCountAsync(2);

        // The copies are reached from b, so the definition stays valid and saves.
        await Node(page, "b").ClickAsync();
        await page.GetByRole(AriaRole.Complementary, new() { Name = "Step b" }).GetByLabel("Next step").SelectOptionAsync("a_1");
        await Expect(edges).ToHaveCountAsync(3);
        await page.Keyboard.PressAsync("Control+s");
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Saved as version 2");
        var (definition, _) = await browser.Server.StoredDefinitionAsync(tenant, id);
        var steps = definition["steps"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!.AsObject());
        Assert.Equal(["a", "b", "a_1", "b_1"], steps.Keys);
        Assert.Equal("b_1", steps["a_1"]["next"]!.GetValue<string>());
        Assert.Equal("b", steps["a"]["next"]!.GetValue<string>());
        Assert.Equal("a_1", steps["b"]["next"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(steps["a"]["config"], steps["a_1"]["config"]));
    }

    [Fact]
    public async Task AStep_CanBeAddedAndConnected_WithTheKeyboardOnly()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Parse("""
            {"name": "Keyboard", "steps": [{"id": "start", "type": "addField", "config": {"field": "x", "value": 1}}]}
            """));
        var page = await OpenEditorAsync(browser, tenant, id);
        await Expect(Node(page, "start")).ToBeVisibleAsync();

        // A palette item is a button: Enter adds its step (selected, so the inspector shows it).
        await page.GetByRole(AriaRole.Button, new() { Name = "Add output step" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Node(page, "output_1")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Step output_1" })).ToBeVisibleAsync();

        // Focus the start step on the canvas, select it with Enter, and choose its next step in the inspector's select.
        await Node(page, "start").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var inspector = page.GetByRole(AriaRole.Complementary, new() { Name = "Step start" });
        await Expect(inspector).ToBeVisibleAsync();
        await inspector.GetByLabel("Next step").FocusAsync();
        await page.Keyboard.TypeAsync("output_1");
        await Expect(inspector.GetByLabel("Next step")).ToHaveValueAsync("output_1");
        await Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(1);

        // The arrow keys move the focused, selected step: that is a position to save (start had none).
        await Node(page, "start").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Control+s");
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Saved as version 2");
        var (definition, _) = await browser.Server.StoredDefinitionAsync(tenant, id);
        Assert.Equal("output_1", definition["steps"]![0]!["next"]!.GetValue<string>());
        Assert.Equal("output", definition["steps"]![1]!["type"]!.GetValue<string>());
        Assert.NotNull(definition["steps"]![0]!["position"]?["x"]);
    }

    [Fact]
    public async Task RoutesDelete_GroupsPersist_SearchFinds_AutoLayoutPlaces_AndLeavingAsksFirst()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Parse("""
            {"name": "Tidy", "steps": [
              {"id": "a", "type": "addField", "config": {"field": "x", "value": 1}, "next": "b"},
              {"id": "b", "type": "addField", "name": "Second", "config": {"field": "y", "value": 2}, "next": "c"},
              {"id": "c", "type": "output", "ui": {"color": "blue"}}]}
            """));
        var page = await OpenEditorAsync(browser, tenant, id);
        var edges = page.Locator(".react-flow__edge");
        await Expect(edges).ToHaveCountAsync(2);

        // A selected route goes with Delete (exactly its field), and comes back with undo.
        var from = (await page.Locator("[data-step-id='b'] [data-handleid='out']").BoundingBoxAsync())!;
        var to = (await page.Locator("[data-step-id='c'] .react-flow__handle-top").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync((from.X + to.X + from.Width) / 2, (from.Y + to.Y + to.Height) / 2);
        await page.Keyboard.PressAsync("Delete");
        await Expect(edges).ToHaveCountAsync(1);
        await Expect(Node(page, "c").Locator(".step-errors")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Expect(edges).ToHaveCountAsync(2);

        // Grouping draws a labelled box behind the steps.
        await Node(page, "a").ClickAsync();
        await Node(page, "b").ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await page.GetByLabel("Group label").FillAsync("Intake");
        await page.GetByRole(AriaRole.Button, new() { Name = "Group", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("group-box")).ToHaveTextAsync("Intake");

        // The search finds a step by its name and selects it.
        await page.GetByLabel("Find step").FillAsync("second");
        await page.GetByLabel("Find step").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Step b" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Keyboard shortcuts" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" })).ToContainTextAsync("Ctrl+Z");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Auto-layout" }).ClickAsync();

        // Unsaved changes: leaving by a link asks first, and staying keeps the editor.
        string? asked = null;
        page.Dialog += async (_, dialog) => { asked = dialog.Message; await dialog.DismissAsync(); };
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await Expect(page.GetByTestId("unsaved")).ToBeVisibleAsync();
        Assert.Contains("unsaved changes", asked ?? "", StringComparison.Ordinal);
        Assert.EndsWith("/edit", page.Url, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Saved as version 2");
        var (definition, _) = await browser.Server.StoredDefinitionAsync(tenant, id);
        var steps = definition["steps"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!.AsObject());
        Assert.Equal("Intake", steps["a"]["ui"]!["group"]!.GetValue<string>());
        Assert.Equal("Intake", steps["b"]["ui"]!["group"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(Parse("""{"color": "blue"}"""), steps["c"]["ui"]));
        Assert.Equal("b", steps["a"]["next"]!.GetValue<string>());
        Assert.Equal("c", steps["b"]["next"]!.GetValue<string>());
        Assert.All(steps.Values, s => Assert.True(s["position"]?["y"] is not null, s.ToJsonString()));
        Assert.True(steps["a"]["position"]!["y"]!.GetValue<double>() < steps["c"]["position"]!["y"]!.GetValue<double>());
    }

    [Fact]
    public async Task ALargeWorkflow_DrawsOnlyTheStepsInView_FindBringsAFarStepIn_AndItsLayoutIsSaved()
    {
        // 150 steps in a chain, none with a position: laid out off the page's thread, drawn a part at a time.
        var tenant = WebUiServer.NewTenant();
        var chain = new JsonArray();
        for (var i = 0; i < 150; i++)
        {
            var step = new JsonObject { ["id"] = $"s{i}", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "n", ["value"] = i } };
            if (i < 149)
                step["next"] = $"s{i + 1}";
            chain.Add(step);
        }
        var id = await browser.Server.CreateWorkflowAsync(tenant, new JsonObject { ["name"] = "Long chain", ["steps"] = chain });
        var page = await OpenEditorAsync(browser, tenant, id);
        await Expect(Node(page, "s0")).ToBeVisibleAsync();
        Assert.InRange(await page.Locator(".react-flow__node-step").CountAsync(), 1, 60);
        await Expect(Node(page, "s149")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Mini map" })).ToBeVisibleAsync();
        Assert.Contains(page.Workers, w => w.Url.Contains("layout.worker", StringComparison.Ordinal));

        await page.GetByLabel("Find step").FillAsync("s149");
        await page.GetByLabel("Find step").PressAsync("Enter");
        await Expect(Node(page, "s149")).ToBeVisibleAsync();
        await Expect(Node(page, "s0")).ToHaveCountAsync(0);
        // The graph is given only the steps near the view; fitting it still frames the whole chain, whose middle
        // was near neither end.
        await Expect(Node(page, "s75")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Fit view" }).ClickAsync();
        await Expect(Node(page, "s75")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Auto-layout" }).ClickAsync();
        await Expect(page.GetByTestId("unsaved")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Saved as version 2");
        var (definition, _) = await browser.Server.StoredDefinitionAsync(tenant, id);
        var ys = definition["steps"]!.AsArray().Select(s => s!["position"]!["y"]!.GetValue<double>()).ToList();
        Assert.Equal(150, ys.Count);
        Assert.Equal(ys.Order(), ys); // a chain laid out top to bottom
        Assert.Equal(150, ys.Distinct().Count());
    }

    [Fact]
    public async Task AConditionsDefaultHandle_SetsConfigDefault_AndTheErrorHandle_SetsOnError()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Parse("""
            {"name": "Handles", "steps": [
              {"id": "check", "type": "condition", "config": {"conditions": [{"condition": "$.input.x > 1", "next": "big"}]}},
              {"id": "big", "type": "output"}]}
            """));
        var page = await OpenEditorAsync(browser, tenant, id);
        var edges = page.Locator(".react-flow__edge");
        await Expect(edges).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add output step" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add output step" }).ClickAsync();
        await Expect(page.Locator(".react-flow__node-step")).ToHaveCountAsync(4);

        await ConnectAsync(page, "check", "output_1", "default");
        await Expect(edges).ToHaveCountAsync(2);
        await ConnectAsync(page, "check", "output_2", "error");
        await Expect(edges).ToHaveCountAsync(3);
        await Expect(page.Locator(".step-errors")).ToHaveCountAsync(0);

        await page.Keyboard.PressAsync("Control+s");
        await Expect(page.GetByTestId("editor-status")).ToContainTextAsync("Saved as version 2");
        var (definition, _) = await browser.Server.StoredDefinitionAsync(tenant, id);
        var check = definition["steps"]![0]!.AsObject();
        Assert.True(JsonNode.DeepEquals(Parse("""
            {"conditions": [{"condition": "$.input.x > 1", "next": "big"}], "default": "output_1"}
            """), check["config"]), check.ToJsonString());
        Assert.Equal("output_2", check["on_error"]!.GetValue<string>());
        Assert.Null(check["next"]);
    }
}
