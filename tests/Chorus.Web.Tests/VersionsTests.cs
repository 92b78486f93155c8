using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The versions page in a real Chromium against a real server: the history with author and time, the diff of two
/// versions on the graph and as JSON, and revert.</summary>
public sealed class VersionsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheHistory_ListsEveryVersion_TheDiffMarksAddedRemovedAndChangedSteps_AndRevertMakesANewVersion()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await CreateWithThreeVersionsAsync(tenant);
        var page = await PageHelpers.SignedInAsync(browser, tenant);

        await page.GotoAsync($"/ui/workflows/{id}/versions");

        // The history: three versions, newest first, each with its time and the token's subject as author.
        var rows = page.GetByTestId("version-row");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-version", "3");
        await Expect(rows.Nth(0)).ToContainTextAsync("current");
        await Expect(rows.Nth(2)).ToHaveAttributeAsync("data-version", "1");
        for (var i = 0; i < 3; i++)
        {
            await Expect(rows.Nth(i).GetByTestId("version-time")).ToHaveTextAsync(new Regex(@"\d"));
            await Expect(rows.Nth(i).GetByTestId("version-author")).ToHaveTextAsync("web-test");
        }
        // The current version has no revert button; the older ones do.
        await Expect(rows.Nth(0).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revert to v1" })).ToBeVisibleAsync();

        // By default the previous version is compared with the current one: v2 → v3 removed "note".
        var diff = page.GetByTestId("version-diff");
        await Expect(diff.GetByTestId("diff-summary")).ToContainTextAsync("From v2 to v3");
        await Expect(Node(page, "note")).ToHaveAttributeAsync("data-change", "removed");

        await page.GetByLabel("From", new() { Exact = true }).SelectOptionAsync("1");
        await page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync("3");

        await Expect(diff.GetByTestId("diff-summary")).ToContainTextAsync("From v1 to v3: 1 step added, 1 removed, 1 changed");
        // The graph draws the steps of both versions: the removed one too, each marked by its change.
        await Expect(page.GetByTestId("step-node")).ToHaveCountAsync(4);
        await Expect(Node(page, "audit")).ToHaveAttributeAsync("data-change", "added");
        await Expect(Node(page, "note")).ToHaveAttributeAsync("data-change", "removed");
        await Expect(Node(page, "greet")).ToHaveAttributeAsync("data-change", "changed");
        await Expect(Node(page, "done")).Not.ToHaveAttributeAsync("data-change", new Regex("."));
        // The JSON diff: one section per changed step, the changed lines marked on each side.
        await Expect(page.GetByTestId("step-diff")).ToHaveCountAsync(3);
        var greet = StepDiff(page, "greet");
        await Expect(greet).ToHaveAttributeAsync("data-change", "changed");
        await Expect(greet).ToContainTextAsync("in config, next");
        await Expect(greet.Locator("[data-line=removed]", new() { HasText = "\"hello\"" })).ToHaveCountAsync(1);
        await Expect(greet.Locator("[data-line=added]", new() { HasText = "\"hi\"" })).ToHaveCountAsync(1);
        await Expect(greet.Locator("[data-line=removed]", new() { HasText = "\"note\"" })).ToHaveCountAsync(1);
        await Expect(greet.Locator("[data-line=added]", new() { HasText = "\"audit\"" })).ToHaveCountAsync(1);
        await Expect(greet.Locator("[data-line=same]", new() { HasText = "\"addField\"" })).ToHaveCountAsync(2);
        await Expect(StepDiff(page, "audit")).ToHaveAttributeAsync("data-change", "added");
        await Expect(StepDiff(page, "audit").Locator("[data-line=added]").First).ToBeVisibleAsync();
        await Expect(StepDiff(page, "audit").Locator("[data-line=removed]")).ToHaveCountAsync(0);
        await Expect(StepDiff(page, "note")).ToHaveAttributeAsync("data-change", "removed");
        await Expect(StepDiff(page, "note").Locator("[data-line=added]")).ToHaveCountAsync(0);
        // The workflow-level field that changed is listed with its two values.
        var description = page.GetByTestId("field-diff").And(page.Locator("[data-field=description]"));
        await Expect(description.Locator("[data-line=removed]")).ToContainTextAsync("First draft");
        await Expect(description.Locator("[data-line=added]")).ToContainTextAsync("Without the note");

        // Revert to v1 asks first; cancelling changes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Revert to v1" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revert to v1" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm revert" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Reverted to v1");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-version", "4");
        await Expect(rows.Nth(0)).ToContainTextAsync("current");
        await Expect(rows.Nth(0).GetByTestId("version-same-as")).ToContainTextAsync("v1");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revert to v3" })).ToBeVisibleAsync();
        // The comparison follows the new current version: v3 → v4 brings "note" back.
        await Expect(diff.GetByTestId("diff-summary")).ToContainTextAsync("From v3 to v4");
        await Expect(Node(page, "note")).ToHaveAttributeAsync("data-change", "added");

        var (status, versions) = await browser.Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/versions", tenant);
        Assert.Equal(200, status);
        Assert.Equal(4, versions!["current_version"]!.GetValue<int>());
        var v1 = await browser.Server.VersionDefinitionAsync(tenant, id, 1);
        var v4 = await browser.Server.VersionDefinitionAsync(tenant, id, 4);
        Assert.True(JsonNode.DeepEquals(v1, v4), $"v4 {v4.ToJsonString()} differs from v1 {v1.ToJsonString()}");
    }

    [Fact]
    public async Task AWorkflowWithOneVersion_ShowsIt_AndSaysThereIsNothingToCompare()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Definition("hello", withNote: true, withAudit: false, "First draft"));
        var page = await PageHelpers.SignedInAsync(browser, tenant);

        await page.GotoAsync($"/ui/workflows/{id}/versions");

        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("version-row")).ToContainTextAsync("current");
        await Expect(page.GetByText("There is only one version so far")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revert") })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnUnknownWorkflow_ShowsTheServersError()
    {
        var tenant = WebUiServer.NewTenant();
        var page = await PageHelpers.SignedInAsync(browser, tenant);

        await page.GotoAsync($"/ui/workflows/{Guid.NewGuid()}/versions");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not exist");
        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(0);
    }

    /// <summary>v1: greet → note → done. v2: greet's config changed, "audit" added before done. v3: "note" removed.</summary>
    internal static async Task<string> CreateWithThreeVersionsAsync(string tenant, WebUiServer server)
    {
        var id = await server.CreateWorkflowAsync(tenant, Definition("hello", withNote: true, withAudit: false, "First draft"));
        Assert.Equal(2, await server.UpdateWorkflowAsync(tenant, id, Definition("hi", withNote: true, withAudit: true, "First draft")));
        Assert.Equal(3, await server.UpdateWorkflowAsync(tenant, id, Definition("hi", withNote: false, withAudit: true, "Without the note")));
        return id;
    }

    private Task<string> CreateWithThreeVersionsAsync(string tenant) => CreateWithThreeVersionsAsync(tenant, browser.Server);

    private static JsonObject Definition(string greeting, bool withNote, bool withAudit, string description)
    {
        var afterGreet = withNote ? "note" : withAudit ? "audit" : "done";
        var steps = new JsonArray(new JsonObject
        {
            ["id"] = "greet",
            ["type"] = "addField",
            ["config"] = new JsonObject { ["field"] = "greeting", ["value"] = greeting },
            ["next"] = afterGreet,
        });
        if (withNote)
            steps.Add(new JsonObject { ["id"] = "note", ["type"] = "comment", ["next"] = withAudit ? "audit" : "done" });
        if (withAudit)
            steps.Add(new JsonObject { ["id"] = "audit", ["type"] = "addField", ["config"] = new JsonObject { ["field"] = "audited", ["value"] = true }, ["next"] = "done" });
        steps.Add(new JsonObject { ["id"] = "done", ["type"] = "output", ["config"] = new JsonObject { ["value"] = new JsonObject { ["ok"] = true } } });
        return new JsonObject { ["name"] = "Greeting flow", ["description"] = description, ["status"] = "active", ["steps"] = steps };
    }

    private static ILocator Node(IPage page, string stepId) => page.Locator($"[data-testid=step-node][data-step-id={stepId}]");

    private static ILocator StepDiff(IPage page, string stepId) => page.Locator($"[data-testid=step-diff][data-step-id={stepId}]");
}
