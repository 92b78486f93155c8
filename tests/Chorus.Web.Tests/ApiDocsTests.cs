using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Web.Tests;

/// <summary>The interactive API docs at /docs, in a real Chromium: they load the server's OpenAPI document and list its
/// routes, with nothing blocked by the page's content security policy and nothing fetched from elsewhere.</summary>
public sealed class ApiDocsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Docs_ShowTheApiFromItsDocument_WithoutCredential_AndLoadOnlyFromThisServer()
    {
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        var elsewhere = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(browser.Server.Address.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                elsewhere.Add(request.Url);
        };
        var document = page.WaitForResponseAsync(r => r.Url.EndsWith("/openapi/v1.json", StringComparison.Ordinal));

        await page.GotoAsync("/docs");

        Assert.Equal(200, (await document).Status);
        await Expect(page.GetByText("Chorus API").First).ToBeVisibleAsync();
        // The routes are grouped by the document's tags, the compatible APIs under their own names.
        await Expect(page.GetByText("executions", new() { Exact = true }).First).ToBeVisibleAsync();
        await Expect(page.GetByText("templates and instances API", new() { Exact = true }).First).ToBeVisibleAsync();
        Assert.Empty(problems);
        Assert.Empty(elsewhere);
    }
}
