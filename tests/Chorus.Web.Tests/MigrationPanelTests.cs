using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The versions page's migration panel in a real Chromium against a real server: the plan as a table, the
/// move with one click, and its rollback.</summary>
public sealed class MigrationPanelTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ThePlan_ShowsWhyAnExecutionCannotMove_ThenOneClickMovesIt_AndRollBackMovesItBack()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("migrated"));
        var execution = await browser.Server.ExecuteAsync(tenant, id);
        await browser.Server.WaitForStatusAsync(tenant, execution, "waiting");
        var renamed = WebUiServer.WaitingDefinition("migrated");
        renamed["steps"]![0]!["id"] = "pause";
        Assert.Equal(2, await browser.Server.UpdateWorkflowAsync(tenant, id, renamed));
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/versions");
        var panel = page.GetByTestId("migration-panel");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Plan" }).ClickAsync();
        await Expect(panel).ToContainTextAsync("0 can move to v2, 1 cannot");
        await Expect(panel.Locator("tr.blocked")).ToContainTextAsync("does not have");
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Move 0 to v2" })).ToBeDisabledAsync();

        await panel.GetByLabel("Renamed steps").FillAsync("hold=pause");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Plan" }).ClickAsync();
        await Expect(panel.Locator("tr.movable")).ToContainTextAsync("hold → pause");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Move 1 to v2" }).ClickAsync();

        await Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync("1 moved, 0 waiting for a running step, 0 skipped");
        Assert.Equal(2, (await browser.Server.ExecutionAsync(tenant, execution))["workflow_version"]!.GetValue<int>());
        await panel.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync("Rolled back: 1 moved back, 0 stayed");
        Assert.Equal(1, (await browser.Server.ExecutionAsync(tenant, execution))["workflow_version"]!.GetValue<int>());
    }
}
