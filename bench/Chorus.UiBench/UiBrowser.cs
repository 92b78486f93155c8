using Microsoft.Playwright;

namespace Chorus.UiBench;

/// <summary>Debian's Chromium driven by Playwright, launched as the browser tests launch it (tests/Chorus.Web.Tests).</summary>
internal sealed class UiBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private UiBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<UiBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"This needs Chromium at {ChromiumPath}: apt-get install -y chromium.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
        return new UiBrowser(playwright, browser);
    }

    /// <summary>A page in a fresh context of 1280×800, relative URLs resolved against the server.</summary>
    public async Task<IPage> NewPageAsync(Uri server)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(60_000); // generous: the benches share a small machine
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the sign-in page with a token, as a user does, and waits for the workflows list.</summary>
    public static async Task SignInAsync(IPage page, string token)
    {
        await page.GotoAsync("/ui/sign-in");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Token" }).CheckAsync();
        await page.Locator("#credential").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            await page.WaitForFunctionAsync("() => location.pathname === '/ui/workflows'", null, new() { PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            var shot = Path.Combine(Path.GetTempPath(), "chorus-uibench-sign-in.png");
            await page.ScreenshotAsync(new() { Path = shot });
            throw new InvalidOperationException($"Sign-in did not reach the workflows list at {page.Url} (screenshot: {shot}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
