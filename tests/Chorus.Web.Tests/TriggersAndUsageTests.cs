using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>A workflow's schedules and webhook triggers, and the tenant's usage page.</summary>
public sealed class TriggersAndUsageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private WebUiServer Server => browser.Server;

    [Fact]
    public async Task Schedule_CreatedAndDisabledAndEnabled_ShowsItsNextRun()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await Server.CreateWorkflowAsync(tenant, "Scheduled");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/triggers");

        await page.GetByLabel("Cron").FillAsync("*/5 * * * *");
        await page.GetByLabel("Time zone").FillAsync("Europe/Paris");
        await page.GetByLabel("Input (JSON)").FillAsync("""{"source": "ui"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add schedule" }).ClickAsync();

        var row = page.GetByTestId("schedule-row");
        await Expect(row).ToContainTextAsync("*/5 * * * *");
        await Expect(row).ToContainTextAsync("Enabled");
        await Expect(row.GetByTestId("next-run")).Not.ToHaveTextAsync("—");
        var (_, list) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/schedules", tenant);
        var schedule = Assert.Single(list!["items"]!.AsArray())!;
        Assert.Equal("Europe/Paris", schedule["time_zone"]!.GetValue<string>());
        Assert.Equal("ui", schedule["input"]!["source"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable schedule */5 * * * *" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Disabled");
        (_, list) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/schedules", tenant);
        Assert.False(list!["items"]![0]!["enabled"]!.GetValue<bool>());
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable schedule */5 * * * *" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Enabled");
    }

    [Fact]
    public async Task Webhook_CreatedShowsUrlAndSecretOnce_AndAPostWithTheSecretStartsAnExecution()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await Server.CreateWorkflowAsync(tenant, "Hooked");
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync($"/ui/workflows/{id}/triggers");

        await page.GetByLabel("Webhook name").FillAsync("orders");
        await page.GetByLabel("Authentication").SelectOptionAsync("hmac_or_token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();

        var reveal = page.GetByRole(AriaRole.Region, new() { Name = "New webhook secret" });
        await Expect(reveal).ToBeVisibleAsync();
        await Expect(reveal.GetByRole(AriaRole.Button, new() { Name = "Copy the url" })).ToBeVisibleAsync();
        await Expect(reveal.GetByRole(AriaRole.Button, new() { Name = "Copy the secret" })).ToBeVisibleAsync();
        var url = await reveal.GetByLabel("URL", new() { Exact = true }).InputValueAsync();
        var secret = await reveal.GetByLabel("Secret", new() { Exact = true }).InputValueAsync();
        Assert.Contains("/api/hooks/", url);
        Assert.False(string.IsNullOrEmpty(secret));
        await Expect(page.GetByTestId("webhook-row")).ToContainTextAsync(url);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("""{"order": 7}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await http.SendAsync(request);
        Assert.True((int)response.StatusCode is 200 or 201 or 202, await response.Content.ReadAsStringAsync());
        var (_, executions) = await Server.ApiAsync(HttpMethod.Get, $"api/executions?workflow_id={id}", tenant);
        var execution = Assert.Single(executions!["items"]!.AsArray())!;
        Assert.Equal(7, execution["input"]!["order"]!.GetValue<int>());

        // Gone once dismissed; rotating shows a new one that replaces it.
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(reveal).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret of webhook orders" }).ClickAsync();
        Assert.NotEqual(secret, await reveal.GetByLabel("Secret", new() { Exact = true }).InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable webhook orders" }).ClickAsync();
        await Expect(page.GetByTestId("webhook-row")).ToContainTextAsync("Disabled");
    }

    [Fact]
    public async Task Usage_ShowsTheNumbersOfTheApi()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await Server.CreateWorkflowAsync(tenant, "Used");
        await Server.CreateWorkflowAsync(tenant, "Used too");
        await Server.WaitForStatusAsync(tenant, await Server.ExecuteAsync(tenant, id), "completed");
        var (_, usage) = await Server.ApiAsync(HttpMethod.Get, "api/usage", tenant);
        var page = await UiSession.SignedInPageAsync(browser, tenant);

        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();

        await Expect(page.GetByTestId("tier")).ToHaveTextAsync(usage!["tier"]!.GetValue<string>());
        foreach (var (key, limit) in new[] { ("workflows", "max_workflows"), ("executions_today", "max_executions_per_day"), ("running_executions", "max_concurrent_executions") })
        {
            var item = page.GetByTestId($"usage-{key}");
            await Expect(item.GetByTestId("used")).ToHaveTextAsync(usage["usage"]![key]!.ToJsonString());
            await Expect(item.GetByTestId("limit")).ToHaveTextAsync(usage["limits"]![limit] is { } max ? max.ToJsonString() : "no limit");
        }
        Assert.Equal(2, usage["usage"]!["workflows"]!.GetValue<int>());
        Assert.Equal(1, usage["usage"]!["executions_today"]!.GetValue<int>());
    }
}
