using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The executions list: its filters, paging, and bulk cancel and retry, against a real server.</summary>
public sealed class ExecutionsListTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private WebUiServer Server => browser.Server;

    private async Task<List<string>> StartWaitingAsync(string tenant, string workflow, int count, string prefix = "order")
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
            ids.Add(await Server.ExecuteAsync(tenant, workflow, new JsonObject { ["ref"] = $"{prefix}-{i}" }));
        foreach (var id in ids)
            await Server.WaitForStatusAsync(tenant, id, "waiting");
        return ids;
    }

    [Fact]
    public async Task Filters_ByWorkflowStatusAndText_NarrowTheList()
    {
        var tenant = WebUiServer.NewTenant();
        var waits = await Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Waits"));
        var quick = await Server.CreateWorkflowAsync(tenant, "Quick");
        var held = await StartWaitingAsync(tenant, waits, 2, "apple");
        var done = await Server.ExecuteAsync(tenant, quick, new JsonObject { ["ref"] = "banana" });
        await Server.WaitForStatusAsync(tenant, done, "completed");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/executions");
        var rows = page.GetByTestId("execution-row");
        await Expect(rows).ToHaveCountAsync(3);

        await page.GetByLabel("Status").SelectOptionAsync("completed");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Quick");
        await Expect(page).ToHaveURLAsync(new Regex("status=completed"));

        await page.GetByLabel("Status").SelectOptionAsync("");
        await page.GetByLabel("Workflow").SelectOptionAsync(new SelectOptionValue { Label = "Waits" });
        await Expect(rows).ToHaveCountAsync(2);

        await page.GetByLabel("Text in the input").FillAsync("APPLE-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/ui/executions/{held[1]}");

        // The workflow's tab links here with its id in the address.
        await page.GotoAsync($"/ui/executions?workflow_id={quick}");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.GetByLabel("Workflow")).ToHaveValueAsync(quick);
    }

    [Fact]
    public async Task SearchAttribute_FiltersTheList_AndTheExecutionViewLinksBackToItsMatches()
    {
        var tenant = WebUiServer.NewTenant();
        var definition = WebUiServer.WaitingDefinition("Orders");
        definition["search_attributes"] = new JsonObject { ["customer"] = "$.input.ref" };
        var orders = await Server.CreateWorkflowAsync(tenant, definition);
        var held = await StartWaitingAsync(tenant, orders, 3, "acme");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/executions");
        var rows = page.GetByTestId("execution-row");
        await Expect(rows).ToHaveCountAsync(3);

        await page.GetByLabel("Search attribute").FillAsync("customer=acme-2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/ui/executions/{held[2]}");
        await page.GotoAsync($"/ui/executions/{held[0]}");
        await page.GetByTestId("search-attribute-customer").ClickAsync();
        await Expect(page.GetByLabel("Search attribute")).ToHaveValueAsync("customer=acme-0");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/ui/executions/{held[0]}");
    }

    [Fact]
    public async Task TimeRange_InTheFuture_ShowsNothing()
    {
        var tenant = WebUiServer.NewTenant();
        var quick = await Server.CreateWorkflowAsync(tenant, "Quick");
        await Server.WaitForStatusAsync(tenant, await Server.ExecuteAsync(tenant, quick), "completed");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/executions");
        await Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(1);

        await page.GetByLabel("From").FillAsync(DateTime.Now.AddDays(1).ToString("yyyy-MM-ddTHH:mm"));

        await Expect(page.GetByText("No execution matches these filters.")).ToBeVisibleAsync();
        await page.GetByLabel("From").FillAsync(DateTime.Now.AddDays(-1).ToString("yyyy-MM-ddTHH:mm"));
        await Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Paging_GoesThroughTwentyTwoExecutions()
    {
        var tenant = WebUiServer.NewTenant();
        var quick = await Server.CreateWorkflowAsync(tenant, "Quick");
        for (var i = 0; i < 22; i++)
            await Server.ExecuteAsync(tenant, quick);
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/executions");
        var rows = page.GetByTestId("execution-row");

        await Expect(rows).ToHaveCountAsync(20);
        await Expect(page.GetByTestId("page-info")).ToContainTextAsync("Page 1 of 2 · 22 executions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page).ToHaveURLAsync(new Regex("page=2"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Previous" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(20);
    }

    [Fact]
    public async Task BulkCancel_OfTheSelected_CancelsOnlyThose()
    {
        var tenant = WebUiServer.NewTenant();
        var waits = await Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Waits"));
        var held = await StartWaitingAsync(tenant, waits, 3);
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/executions");
        await Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(3);

        await page.GetByLabel($"Select execution {held[0]}").CheckAsync();
        await page.GetByLabel($"Select execution {held[2]}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel selected" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Cancelled 2 of 2");
        Assert.Equal("cancelled", await Server.StatusAsync(tenant, held[0]));
        Assert.Equal("cancelled", await Server.StatusAsync(tenant, held[2]));
        Assert.Equal("waiting", await Server.StatusAsync(tenant, held[1]));
    }

    [Fact]
    public async Task BulkDelete_OfTheSelected_AsksFirst_ThenDeletesTheEndedOnes_AndSaysWhichCouldNotBe()
    {
        var tenant = WebUiServer.NewTenant();
        var waits = await Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Waits"));
        var held = await StartWaitingAsync(tenant, waits, 2);
        Assert.Equal(200, (await Server.ApiAsync(HttpMethod.Post, $"/api/executions/{held[0]}/cancel", tenant)).Status);
        await Server.WaitForStatusAsync(tenant, held[0], "cancelled");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/executions");
        await Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(2);

        await page.GetByLabel($"Select execution {held[0]}").CheckAsync();
        await page.GetByLabel($"Select execution {held[1]}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete 2" }).ClickAsync();

        // The cancelled one goes; the one still waiting stays, and the message says why.
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deleted 1 of 2; 1 could not be");
        await Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(1);
        Assert.Equal(404, (await Server.ApiAsync(HttpMethod.Get, $"/api/executions/{held[0]}", tenant)).Status);
        Assert.Equal("waiting", await Server.StatusAsync(tenant, held[1]));
    }

    [Fact]
    public async Task BulkCancel_OfTheFilteredSet_CancelsEveryMatch_AndBulkRetryRunsFailedOnesAgain()
    {
        var tenant = WebUiServer.NewTenant();
        var waits = await Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Waits"));
        var other = await Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Other"));
        var held = await StartWaitingAsync(tenant, waits, 3);
        var spared = await StartWaitingAsync(tenant, other, 1);
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/executions?workflow_id={waits}&status=waiting");
        await Expect(page.GetByTestId("execution-row")).ToHaveCountAsync(3);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel all matching" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel 3" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Cancelled 3 of 3");
        foreach (var id in held)
            Assert.Equal("cancelled", await Server.StatusAsync(tenant, id));
        Assert.Equal("waiting", await Server.StatusAsync(tenant, spared[0]));
        await Expect(page.GetByText("No execution matches these filters.")).ToBeVisibleAsync();

        var failing = await Server.CreateWorkflowAsync(tenant, JsonNode.Parse("""
            {"name": "Fails", "status": "active", "steps": [{"id": "call", "type": "http", "retry": {"max_attempts": 1}, "config": {"url": "http://127.0.0.1:1/"}}]}
            """)!.AsObject());
        var failed = await Server.ExecuteAsync(tenant, failing);
        await Server.WaitForStatusAsync(tenant, failed, "failed");
        await page.GotoAsync("/ui/executions?status=failed");
        await page.GetByLabel($"Select execution {failed}").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry selected" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Retried 1 of 1");
        var (_, steps) = await Server.ApiAsync(HttpMethod.Get, $"api/executions/{failed}/steps", tenant);
        await Server.WaitForStatusAsync(tenant, failed, "failed");
        (_, steps) = await Server.ApiAsync(HttpMethod.Get, $"api/executions/{failed}/steps", tenant);
        Assert.True(steps!["items"]!.AsArray().Count >= 2, steps.ToJsonString());
    }
}
