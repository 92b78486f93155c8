using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The migrations page in a real Chromium against a real server: a plan that cannot move executions says why,
/// a mapping of the renamed step makes it movable and shows where they land on the graph, one click moves them, and
/// the migration can be rolled back.</summary>
public sealed class MigrationsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task APlanWithARemovedStep_SaysWhy_AMappingMakesItMovable_ApplyMovesThem_AndRollbackMovesThemBack()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Definition(waitStep: "hold", version: 1));
        var first = await browser.Server.ExecuteAsync(tenant, id);
        var second = await browser.Server.ExecuteAsync(tenant, id);
        await WaitForStatusAsync(tenant, first, "waiting");
        await WaitForStatusAsync(tenant, second, "waiting");
        Assert.Equal(2, await browser.Server.UpdateWorkflowAsync(tenant, id, Definition(waitStep: "held", version: 2)));
        var page = await UiSession.SignedInPageAsync(browser, tenant);

        await page.GotoAsync($"/ui/workflows/{id}/migrations");
        await Expect(page.GetByText("No migration yet.")).ToBeVisibleAsync();

        // Version 2 renamed the step both executions wait at: without a mapping neither can move, and the row says why.
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan the migration" }).ClickAsync();
        await Expect(page.GetByTestId("plan-summary")).ToContainTextAsync("Onto v2: 0 executions can move, 2 cannot.");
        await Expect(page.GetByTestId("plan-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("plan-row").Nth(0)).ToHaveAttributeAsync("data-movable", "false");
        await Expect(page.GetByTestId("plan-reason").First).ToContainTextAsync("step_removed");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Move 0 executions to v2" })).ToBeDisabledAsync();

        // Mapped onto the renamed step, both can move, and the target's graph shows where they land.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a renamed step" }).ClickAsync();
        await page.GetByLabel("Old step 1").FillAsync("hold");
        await page.GetByLabel("New step 1").FillAsync("held");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan the migration" }).ClickAsync();
        await Expect(page.GetByTestId("plan-summary")).ToContainTextAsync("Onto v2: 2 executions can move, 0 cannot.");
        await Expect(page.Locator("[data-testid=plan-row][data-movable=true]")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("plan-row").Nth(0)).ToContainTextAsync("hold → held");
        var held = page.Locator("[data-testid=step-node][data-step-id=held]");
        await Expect(held.GetByTestId("step-badge")).ToHaveTextAsync("2 executions land here");
        await Expect(page.Locator("[data-testid=step-node][data-step-id=done]").GetByTestId("step-badge")).ToHaveCountAsync(0);
        // Planning changed nothing.
        Assert.Equal(1, (await browser.Server.ExecutionAsync(tenant, first))["workflow_version"]!.GetValue<int>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Move 2 executions to v2" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Migrated onto v2: 2 moved");
        await Expect(page.GetByTestId("migration-plan")).ToHaveCountAsync(0);
        var row = page.GetByTestId("migration-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("web-test");
        await Expect(row).ToContainTextAsync("hold → held");
        foreach (var execution in new[] { first, second })
        {
            var moved = await browser.Server.ExecutionAsync(tenant, execution);
            Assert.Equal(2, moved["workflow_version"]!.GetValue<int>());
            Assert.Equal("held", moved["current_step"]!.GetValue<string>());
        }

        await row.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rolled back: 2 moved");
        await Expect(row).ToContainTextAsync(new Regex("rolled back"));
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Roll back" })).ToHaveCountAsync(0);
        Assert.Equal(1, (await browser.Server.ExecutionAsync(tenant, second))["workflow_version"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARefusedRequest_ShowsTheServersError_AndChangesNothing()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, Definition(waitStep: "hold", version: 1));
        var execution = await browser.Server.ExecuteAsync(tenant, id);
        await WaitForStatusAsync(tenant, execution, "waiting");
        Assert.Equal(2, await browser.Server.UpdateWorkflowAsync(tenant, id, Definition(waitStep: "hold", version: 2)));
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/migrations");

        // A mapping onto a step the target version does not have is refused by the server; the page shows its message.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a renamed step" }).ClickAsync();
        await page.GetByLabel("Old step 1").FillAsync("hold");
        await page.GetByLabel("New step 1").FillAsync("nowhere");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan the migration" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("onto 'nowhere', which version 2 does not have");
        await Expect(page.GetByTestId("migration-plan")).ToHaveCountAsync(0);
        await Expect(page.GetByText("No migration yet.")).ToBeVisibleAsync();

        Assert.Equal(1, (await browser.Server.ExecutionAsync(tenant, execution))["workflow_version"]!.GetValue<int>());
    }

    /// <summary>A workflow that waits for event "go" at <paramref name="waitStep"/>, then outputs its version.</summary>
    private static JsonObject Definition(string waitStep, int version) => JsonNode.Parse("""
        {"name": "migrate me", "steps": [
          {"id": "WAIT", "type": "wait", "config": {"event": "go"}, "next": "done"},
          {"id": "done", "type": "output", "config": {"value": {"version": VERSION}}}
        ]}
        """.Replace("WAIT", waitStep, StringComparison.Ordinal).Replace("VERSION", version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();

    private async Task WaitForStatusAsync(string tenant, string execution, string status)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await browser.Server.ExecutionAsync(tenant, execution))["status"]!.GetValue<string>() != status)
        {
            Assert.True(DateTime.UtcNow < until, $"execution {execution} did not reach {status} within 30 s");
            await Task.Delay(50);
        }
    }
}
