using Microsoft.Playwright;

namespace Chorus.Web.Tests;

/// <summary>One Chromium (Debian's, which scripts/test.sh installs) and one Chorus server for the browser tests. Each
/// test opens its own browser context, so sessionStorage never leaks between tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const float ExpectTimeout = 20_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private WebUiServer? _server;

    public WebUiServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"The browser tests need Chromium at {ChromiumPath}: apt-get install -y chromium (scripts/test.sh does).");
        // Assertions wait longer than Playwright's five seconds: the browser shares two cores with the server, the
        // engine and the other test classes.
        Assertions.SetDefaultExpectTimeout(ExpectTimeout);
        _server = await WebUiServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
    }

    /// <summary>A fresh page in a fresh context, its relative URLs resolved against the server.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString() });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
