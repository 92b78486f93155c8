using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;

namespace Chorus.UiBench;

/// <summary>SIZE: the JavaScript a browser must fetch before the first page shows: the entry script of index.html and
/// the modules it preloads (not the pages loaded lazily later), compressed as the server compresses them (gzip and
/// Brotli at <see cref="CompressionLevel.SmallestSize"/>, once per file, see CompressedAssets.cs), from the committed
/// bundle and then over the wire from a running server, which must agree.</summary>
internal static partial class FirstLoadSize
{
    public static async Task<string> RunAsync(string repository)
    {
        var bundle = Path.Combine(repository, "src", "Chorus.Server", "WebUi", "Bundle");
        var html = await File.ReadAllTextAsync(Path.Combine(bundle, "index.html"));
        var scripts = FirstLoadScripts(html);
        long raw = 0, gzip = 0, brotli = 0;
        foreach (var script in scripts)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(bundle, script.TrimStart('/')));
            raw += bytes.Length;
            gzip += Compressed(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true));
            brotli += Compressed(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true));
        }
        var css = CssOf(html).Sum(c => new FileInfo(Path.Combine(bundle, c.TrimStart('/'))).Length);

        // What goes over the wire: the page the server answers, and each script it names, asked for with one encoding at a time.
        await using var server = await BenchServer.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = server.Address };
        var served = await http.GetStringAsync("ui/sign-in");
        var servedScripts = FirstLoadScripts(served);
        if (!servedScripts.SequenceEqual(scripts))
            throw new InvalidOperationException($"The server's page names other scripts ({string.Join(", ", servedScripts)}) than the bundle's ({string.Join(", ", scripts)}).");
        long wireGzip = 0, wireBrotli = 0;
        foreach (var script in servedScripts)
        {
            wireGzip += await WireBytesAsync(http, script, "gzip");
            wireBrotli += await WireBytesAsync(http, script, "br");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"SIZE first-load JS ({string.Join(" + ", scripts)}): {Kb(raw)} raw, {Kb(gzip)} gzip, {Kb(brotli)} brotli; " +
            $"over the wire {Kb(wireGzip)} gzip, {Kb(wireBrotli)} br; CSS {Kb(css)} raw; goal < 300 KB");
    }

    /// <summary>The entry script (a module script with src) and every modulepreload link, in document order.</summary>
    internal static List<string> FirstLoadScripts(string html) =>
        [.. ScriptPattern().Matches(html).Select(m => m.Groups["src"].Value), .. PreloadPattern().Matches(html).Select(m => m.Groups["href"].Value)];

    private static IEnumerable<string> CssOf(string html) => StylesheetPattern().Matches(html).Select(m => m.Groups["href"].Value);

    private static long Compressed(byte[] bytes, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var stream = compressor(output))
            stream.Write(bytes);
        return output.Length;
    }

    private static async Task<long> WireBytesAsync(HttpClient http, string path, string encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var served = string.Join(",", response.Content.Headers.ContentEncoding);
        if (served != encoding)
            throw new InvalidOperationException($"{path} asked with Accept-Encoding: {encoding} came back as '{served}'.");
        return (await response.Content.ReadAsByteArrayAsync()).LongLength;
    }

    private static string Kb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB");

    [GeneratedRegex("""<script[^>]*type="module"[^>]*src="(?<src>[^"]+)"[^>]*>""")]
    private static partial Regex ScriptPattern();

    [GeneratedRegex("""<link[^>]*rel="modulepreload"[^>]*href="(?<href>[^"]+)"[^>]*>""")]
    private static partial Regex PreloadPattern();

    [GeneratedRegex("""<link[^>]*rel="stylesheet"[^>]*href="(?<href>[^"]+)"[^>]*>""")]
    private static partial Regex StylesheetPattern();
}
