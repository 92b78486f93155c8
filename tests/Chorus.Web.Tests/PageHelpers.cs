using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>Helpers for the versions and accessibility tests, patient enough for a loaded machine.</summary>
internal static class PageHelpers
{
    /// <summary>How long an expectation waits: the browser tests share two cores with the server and the build.</summary>
    public const float ExpectTimeout = 20_000;

    /// <summary>Expectations wait <see cref="ExpectTimeout"/>.</summary>
    public static void Patient() => SetDefaultExpectTimeout(ExpectTimeout);

    /// <summary>Signs in through the sign-in page as an admin of the tenant and waits for the workflows list.</summary>
    public static async Task<IPage> SignedInAsync(BrowserFixture browser, string tenant)
    {
        Patient();
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        await UiSession.SignInAsync(page, WebUiServer.Token(tenant));
        await Expect(page).ToHaveURLAsync(new Regex("/ui/workflows$"));
        return page;
    }
}
