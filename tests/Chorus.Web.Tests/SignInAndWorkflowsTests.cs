using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The web UI in a real Chromium against a real server: sign-in, the workflows list and its search, the tenant
/// switcher, and being sent back to sign-in when the server refuses the credential.</summary>
public sealed class SignInAndWorkflowsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SigningInWithAToken_ShowsTheTenantsWorkflows_AndSearchFiltersThemByName()
    {
        var tenant = WebUiServer.NewTenant();
        await browser.Server.CreateWorkflowAsync(tenant, "Invoice approval");
        await browser.Server.CreateWorkflowAsync(tenant, "Nightly report");
        await browser.Server.CreateWorkflowAsync(WebUiServer.NewTenant(), "Another tenant's flow");
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/ui/sign-in$"));
        await SignInAsync(page, WebUiServer.Token(tenant));

        await Expect(page).ToHaveURLAsync(new Regex("/ui/workflows$"));
        var rows = page.GetByTestId("workflow-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Invoice approval" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Nightly report" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Another tenant's flow")).ToHaveCountAsync(0);

        await page.GetByLabel("Search workflows by name").FillAsync("invoice");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Invoice approval");
        await page.GetByLabel("Search workflows by name").FillAsync("no such name");
        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.GetByText("No workflow matches this search.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task OpeningAWorkflow_ShowsItsDefinition()
    {
        var tenant = WebUiServer.NewTenant();
        var id = await browser.Server.CreateWorkflowAsync(tenant, "Definition shown");
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        await SignInAsync(page, WebUiServer.Token(tenant));

        await page.GetByRole(AriaRole.Link, new() { Name = "Definition shown" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/workflows/{id}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Definition shown" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("definition")).ToContainTextAsync("\"type\": \"output\"");
        // The page's own address reloads to the same view (the server falls back to the SPA for /ui/...).
        await page.ReloadAsync();
        await Expect(page.GetByTestId("definition")).ToContainTextAsync("\"id\": \"done\"");
    }

    [Fact]
    public async Task ABadToken_ShowsTheSignInError_AndStaysOnSignIn()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");

        await SignInAsync(page, WebUiServer.ForeignToken(WebUiServer.NewTenant()));

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Sign-in failed");
        await Expect(page).ToHaveURLAsync(new Regex("/ui/sign-in$"));
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('chorus.session')"));
    }

    [Fact]
    public async Task ARefusedCredential_ReturnsToSignIn()
    {
        var tenant = WebUiServer.NewTenant();
        await browser.Server.CreateWorkflowAsync(tenant, "Seen before the refusal");
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        await SignInAsync(page, WebUiServer.Token(tenant));
        await Expect(page.GetByTestId("workflow-row")).ToHaveCountAsync(1);

        // The stored credential stops being accepted (as when a token is revoked or its key rotated): the next API call
        // answers 401, and the app ends the session.
        await page.EvaluateAsync("""
            token => {
              const session = JSON.parse(sessionStorage.getItem('chorus.session'));
              session.credential = token;
              sessionStorage.setItem('chorus.session', JSON.stringify(session));
            }
            """, WebUiServer.ForeignToken(tenant));
        await page.ReloadAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/ui/sign-in$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You were signed out");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('chorus.session')"));
    }

    [Fact]
    public async Task ATokenForSeveralTenants_SwitchesBetweenThem()
    {
        var first = WebUiServer.NewTenant();
        var second = WebUiServer.NewTenant();
        await browser.Server.CreateWorkflowAsync(first, "First tenant's flow");
        await browser.Server.CreateWorkflowAsync(second, "Second tenant's flow");
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        await SignInAsync(page, WebUiServer.Token(first, second));
        var rows = page.GetByTestId("workflow-row");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("First tenant's flow");

        await page.GetByLabel("Tenant", new() { Exact = true }).SelectOptionAsync(second);

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Second tenant's flow");
    }

    private static Task SignInAsync(IPage page, string token) => UiSession.SignInAsync(page, token);
}
