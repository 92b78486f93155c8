using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The workflows list's actions and the new workflow page, in a real browser against a real server.</summary>
public sealed class ManageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private WebUiServer Server => browser.Server;

    private async Task<JsonArray> WorkflowsAsync(string tenant)
    {
        var (_, list) = await Server.ApiAsync(HttpMethod.Get, "api/workflows", tenant);
        return list!["items"]!.AsArray();
    }

    private static ILocator Row(IPage page, string name) =>
        page.GetByTestId("workflow-row").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    [Fact]
    public async Task NewFromScratch_CreatesADraft_AndOpensTheEditor()
    {
        var tenant = WebUiServer.NewTenant();
        var page = await UiSession.SignedInPageAsync(browser, tenant);

        await page.GetByRole(AriaRole.Link, new() { Name = "New workflow" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Built by hand");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create and open the editor" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/ui/workflows/[^/]+/edit$"));
        var created = Assert.Single(await WorkflowsAsync(tenant))!;
        Assert.Equal("Built by hand", created["name"]!.GetValue<string>());
        Assert.Equal("draft", created["status"]!.GetValue<string>());
        Assert.EndsWith($"/ui/workflows/{created["id"]!.GetValue<string>()}/edit", page.Url);
    }

    [Fact]
    public async Task NewFromJson_ShowsTheServersErrorsWithTheirPaths_ThenSavesTheFixedDefinition()
    {
        var tenant = WebUiServer.NewTenant();
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/workflows/new");
        var json = page.GetByLabel("Definition JSON");

        await json.FillAsync("""{"name": "From JSON", "steps": [{"id": "a", "type": "no_such_type"}]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create from JSON" }).ClickAsync();
        await Expect(page.GetByTestId("definition-errors")).ToContainTextAsync("steps[a].type: Unknown step type");
        Assert.Empty(await WorkflowsAsync(tenant));

        await json.FillAsync("""{"name": "From JSON", "steps": [{"id": "a", "type": "output", "config": {"value": 1}}]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create from JSON" }).ClickAsync();

        // The new workflow page has its own "From JSON" section heading: wait for the workflow's page instead.
        await Expect(page).ToHaveURLAsync(new Regex("/ui/workflows/[0-9a-f-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "From JSON", Exact = true, Level = 1 })).ToBeVisibleAsync();
        Assert.Equal("From JSON", Assert.Single(await WorkflowsAsync(tenant))!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Onboarding (templates and instances)", "Onboarding")]
    [InlineData("Webhook → HTTP → email", "Webhook to HTTP to email")]
    [InlineData("Approval with manual input", "Approval")]
    public async Task NewFromTemplate_SavesTheTemplate(string title, string name)
    {
        var tenant = WebUiServer.NewTenant();
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/workflows/new");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Use template: {title}" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/ui/workflows/[0-9a-f-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 })).ToBeVisibleAsync();
        var created = Assert.Single(await WorkflowsAsync(tenant))!;
        Assert.Equal(name, created["name"]!.GetValue<string>());
        var (_, full) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{created["id"]}", tenant);
        Assert.NotEmpty(full!["steps"]!.AsArray());
    }

    /// <summary>Discovery's steps come from the steps service; a server without one says which types it lacks.</summary>
    [Fact]
    public async Task NewFromTheDiscoveryTemplate_WithoutTheStepsService_ShowsWhichStepTypesAreMissing()
    {
        var tenant = WebUiServer.NewTenant();
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/workflows/new");

        await page.GetByRole(AriaRole.Button, new() { Name = "Use template: Discovery" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Discovery: ");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("fetch_user");
        Assert.Empty(await WorkflowsAsync(tenant));
    }

    [Fact]
    public async Task NewFromTheScheduleTemplate_SavesTheWorkflowAndItsCronSchedule()
    {
        var tenant = WebUiServer.NewTenant();
        var page = await UiSession.SignedInPageAsync(browser, tenant);
        await page.GotoAsync("/ui/workflows/new");
        await Expect(page.GetByTestId("template")).ToHaveCountAsync(5);

        await page.GetByRole(AriaRole.Button, new() { Name = "Use template: Nightly schedule" }).ClickAsync();

        await Expect(page.GetByTestId("schedule-row")).ToContainTextAsync("0 2 * * *");
        var id = Assert.Single(await WorkflowsAsync(tenant))!["id"]!.GetValue<string>();
        var (_, schedules) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{id}/schedules", tenant);
        var schedule = Assert.Single(schedules!["items"]!.AsArray())!;
        Assert.Equal("0 2 * * *", schedule["cron"]!.GetValue<string>());
        Assert.True(schedule["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Duplicate_Archive_AndDelete_ChangeTheList()
    {
        var tenant = WebUiServer.NewTenant();
        var original = await Server.CreateWorkflowAsync(tenant, "Original");
        var doomed = await Server.CreateWorkflowAsync(tenant, "Doomed");
        var page = await UiSession.SignedInPageAsync(browser, tenant);

        await page.GetByRole(AriaRole.Button, new() { Name = "Duplicate Original" }).ClickAsync();
        await Expect(Row(page, "Original (copy)")).ToBeVisibleAsync();
        var copy = (await WorkflowsAsync(tenant)).Single(w => w!["name"]!.GetValue<string>() == "Original (copy)")!;
        var (_, copied) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{copy["id"]}", tenant);
        Assert.Equal("done", copied!["steps"]![0]!["id"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Archive Original", Exact = true }).ClickAsync();
        await Expect(Row(page, "Original")).ToContainTextAsync("archived");
        var (_, archived) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{original}", tenant);
        Assert.Equal("archived", archived!["status"]!.GetValue<string>());
        await page.GetByRole(AriaRole.Button, new() { Name = "Unarchive Original", Exact = true }).ClickAsync();
        await Expect(Row(page, "Original")).ToContainTextAsync("active");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Doomed" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Also delete its finished executions").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Row(page, "Doomed")).ToHaveCountAsync(0);
        var (status, _) = await Server.ApiAsync(HttpMethod.Get, $"api/workflows/{doomed}", tenant);
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Export_DownloadsTheDefinitionWithoutServerFields_AndImportCreatesItAgain()
    {
        var tenant = WebUiServer.NewTenant();
        await Server.CreateWorkflowAsync(tenant, "Exported");
        var page = await UiSession.SignedInPageAsync(browser, tenant);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export Exported" }).ClickAsync());
        var text = await File.ReadAllTextAsync((await download.PathAsync())!);
        var definition = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("Exported.json", download.SuggestedFilename);
        Assert.Equal("Exported", definition["name"]!.GetValue<string>());
        Assert.Equal("output", definition["steps"]![0]!["type"]!.GetValue<string>());
        foreach (var field in new[] { "id", "current_version", "created_at", "updated_at", "last_execution" })
            Assert.False(definition.ContainsKey(field), field);

        definition["name"] = "Imported";
        await page.GetByRole(AriaRole.Button, new() { Name = "Import JSON" }).ClickAsync();
        await page.GetByLabel("Definition JSON").FillAsync(definition.ToJsonString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();

        await Expect(Row(page, "Imported")).ToBeVisibleAsync();
        Assert.Equal(2, (await WorkflowsAsync(tenant)).Count);
    }

    [Fact]
    public async Task LastRunColumn_ShowsTheNewestRunsStatus()
    {
        var tenant = WebUiServer.NewTenant();
        var waiting = await Server.CreateWorkflowAsync(tenant, WebUiServer.WaitingDefinition("Waits"));
        await Server.CreateWorkflowAsync(tenant, "Never run");
        var id = await Server.ExecuteAsync(tenant, waiting);
        await Server.WaitForStatusAsync(tenant, id, "waiting");
        var page = await UiSession.SignedInPageAsync(browser, tenant);

        var lastRun = Row(page, "Waits").GetByTestId("last-run");
        await Expect(lastRun).ToContainTextAsync("waiting");
        await Expect(Row(page, "Never run").GetByTestId("last-run")).ToContainTextAsync("Never run");

        await lastRun.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/ui/executions/{id}$"));
    }
}
