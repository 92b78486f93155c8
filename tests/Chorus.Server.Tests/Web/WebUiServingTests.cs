using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Web;

/// <summary>The web UI as a browser and an API client meet it over real HTTP: the page at / and under /ui/, its assets,
/// their caching and compression, the security headers, and the API left as it was.</summary>
public sealed partial class WebUiServingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    // No credential on purpose: the UI's files must load before anyone has signed in.
    private HttpClient Anonymous() => new() { BaseAddress = server.Client.BaseAddress };

    [Fact]
    public async Task Root_ForABrowser_IsTheSpaPage_NeverCached()
    {
        using var client = Anonymous();
        using var response = await client.SendAsync(Get("", BrowserAccept));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("Accept", response.Headers.Vary);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<div id=\"root\"></div>", html, StringComparison.Ordinal);
        Assert.Matches(ScriptSource(), html);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("*/*")]
    public async Task Root_ForAnApiClient_IsStillHealth(string? accept)
    {
        using var client = Anonymous();
        using var response = await client.SendAsync(Get("", accept));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.Equal("ok", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ui")]
    [InlineData("ui/sign-in")]
    [InlineData("ui/workflows/0193a2b4-0000-7000-8000-000000000001")]
    public async Task ClientSideRoutes_FallBackToTheSpaPage(string path)
    {
        using var client = Anonymous();
        using var response = await client.SendAsync(Get(path, BrowserAccept));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<div id=\"root\"></div>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Asset_IsCompressed_CachedForAYear_AndNeedsNoCredential(string encoding)
    {
        using var client = Anonymous();
        var script = await ScriptPathAsync(client);
        using var request = Get(script.TrimStart('/'), "*/*");
        request.Headers.AcceptEncoding.ParseAdd(encoding);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains("immutable", cache.ToString(), StringComparison.Ordinal);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        var plain = Decompress(compressed, encoding);
        Assert.True(compressed.Length < plain.Length, "the compressed script should be smaller than the script");
        Assert.Contains("createRoot", System.Text.Encoding.UTF8.GetString(plain), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAsset_Is404InTheErrorShape()
    {
        using var client = Anonymous();
        var missing = await client.Get("assets/index-missing.js", tenant: null);

        missing.ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("", BrowserAccept)]
    [InlineData("ui/workflows", BrowserAccept)]
    [InlineData("health", "application/json")]
    [InlineData("api/workflows", "application/json")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path, string accept)
    {
        using var client = Anonymous();
        using var response = await client.SendAsync(Get(path, accept));

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAsset_CarriesTheSecurityHeaders()
    {
        using var client = Anonymous();
        using var response = await client.GetAsync((await ScriptPathAsync(client)).TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Contains("default-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiRoutes_AreUnaffected_ByTheUi()
    {
        using var anonymous = Anonymous();
        // Still closed without a credential, even when a browser asks.
        var closed = await anonymous.SendAsync(Get("api/workflows", BrowserAccept));
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
        Assert.Equal("application/json", closed.Content.Headers.ContentType?.MediaType);
        // An unknown API path is a JSON 404, not the SPA's page.
        var tenant = ApiCalls.NewTenant();
        (await server.Client.Get("api/no-such-thing", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        // The compatible routes keep their own answers.
        (await server.Client.Get("steps/no-such-step", tenant)).Expect(HttpStatusCode.NotFound);
        var steps = await anonymous.SendAsync(Get("available-steps", BrowserAccept));
        Assert.Equal(HttpStatusCode.Unauthorized, steps.StatusCode);
    }

    private static HttpRequestMessage Get(string path, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
            request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    private static async Task<string> ScriptPathAsync(HttpClient client)
    {
        using var response = await client.SendAsync(Get("ui", BrowserAccept));
        var match = ScriptSource().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, "the page names its script");
        return match.Groups["src"].Value;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"no {name} header");

    private static byte[] Decompress(byte[] bytes, string encoding)
    {
        using var input = new MemoryStream(bytes);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("<script type=\"module\" crossorigin src=\"(?<src>/assets/index-[A-Za-z0-9_-]+\\.js)\"")]
    private static partial Regex ScriptSource();
}
