using System.IO.Compression;
using System.Net;

namespace Chorus.Server.Tests.Web;

/// <summary>How the scripts are encoded: compressed once at the highest level, in the encoding the request prefers.</summary>
public sealed partial class WebUiServingTests
{
    private async Task<(string Path, byte[] Plain)> PlainScriptAsync(HttpClient client)
    {
        var script = await ScriptPathAsync(client);
        using var response = await client.SendAsync(Get(script.TrimStart('/'), "*/*"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding); // no Accept-Encoding: the file as it is
        return (script.TrimStart('/'), await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string acceptEncoding)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Asset_InBrotli_IsAtItsHighestLevel_AndTheSameAtEveryRequest()
    {
        using var client = Anonymous();
        var (path, plain) = await PlainScriptAsync(client);
        using var expected = new MemoryStream();
        using (var brotli = new BrotliStream(expected, CompressionLevel.SmallestSize))
            brotli.Write(plain);

        foreach (var _ in new[] { 1, 2 })
        {
            using var response = await SendAsync(client, HttpMethod.Get, path, "gzip, deflate, br");
            Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            Assert.Equal(expected.ToArray(), await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Theory]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("gzip;q=0.5, br;q=0.1", "gzip")]
    [InlineData("gzip;q=0.5, br;q=0.5", "br")]
    [InlineData("*", "br")]
    [InlineData("*, br;q=0", "gzip")]
    [InlineData("identity", null)]
    [InlineData("br;q=0, gzip;q=0", null)]
    public async Task Asset_TakesAnEncodingTheRequestAccepts(string acceptEncoding, string? expected)
    {
        using var client = Anonymous();
        var (path, plain) = await PlainScriptAsync(client);

        using var response = await SendAsync(client, HttpMethod.Get, path, acceptEncoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected is null ? [] : [expected], response.Content.Headers.ContentEncoding);
        // The plain file too: a shared cache must not give it to a client that accepts a compressed one.
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(plain, expected is null ? body : Decompress(body, expected));
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task Asset_Head_GivesTheCompressedLength_WithoutABody()
    {
        using var client = Anonymous();
        var (path, _) = await PlainScriptAsync(client);
        using var get = await SendAsync(client, HttpMethod.Get, path, "br");
        var length = (await get.Content.ReadAsByteArrayAsync()).Length;

        using var head = await SendAsync(client, HttpMethod.Head, path, "br");

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(["br"], head.Content.Headers.ContentEncoding);
        Assert.Equal(length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }
}
