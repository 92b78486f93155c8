using Microsoft.Playwright;

namespace Chorus.Web.Tests;

/// <summary>Signing in the way a user does, for tests that start past the sign-in page.</summary>
public static class UiSession
{
    /// <summary>Fills the sign-in form of the page that is open (the sign-in page) with a token.</summary>
    public static async Task SignInAsync(IPage page, string token)
    {
        await page.GetByRole(AriaRole.Radio, new() { Name = "Token" }).CheckAsync();
        await page.Locator("#credential").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Opens sign-in, signs in as an admin of the tenant, and waits for the workflows list.</summary>
    public static async Task<IPage> SignedInPageAsync(BrowserFixture browser, string tenant)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        await SignInAsync(page, WebUiServer.Token(tenant));
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/workflows$"));
        return page;
    }
}
