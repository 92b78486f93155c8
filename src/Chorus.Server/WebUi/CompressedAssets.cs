using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Chorus.Server.WebUi;

/// <summary>The bundle's text assets (scripts, stylesheets), each compressed once, at Brotli's and gzip's highest
/// levels, the first time it is asked for. They are embedded and never change while the server runs, so compressing
/// them for every response spent CPU on each first visit, and at a lower level: the highest is about 14% smaller.</summary>
internal sealed class CompressedAssets(IFileProvider bundle)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private static readonly HashSet<string> TextTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/javascript", "application/javascript", "text/css", "image/svg+xml", "application/json",
    };

    // Keyed by the bundle's own files only (a request for any other path never adds an entry).
    private readonly ConcurrentDictionary<string, Lazy<Encodings>> _files = new(StringComparer.Ordinal);

    public sealed record Encodings(string ContentType, byte[] Brotli, byte[] Gzip);

    /// <summary>The compressed forms of the bundle's file at <paramref name="path"/>; null when there is no such file
    /// or it is not text (an image or a font is compressed already).</summary>
    public Encodings? Find(string path)
    {
        if (!ContentTypes.TryGetContentType(path, out var contentType) || !TextTypes.Contains(contentType.Split(';')[0]))
            return null;
        if (_files.TryGetValue(path, out var known))
            return known.Value;
        var file = bundle.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory)
            return null;
        return _files.GetOrAdd(path, _ => new Lazy<Encodings>(() => Encode(file, contentType))).Value;
    }

    private static Encodings Encode(IFileInfo file, string contentType)
    {
        using var plain = new MemoryStream();
        using (var read = file.CreateReadStream())
            read.CopyTo(plain);
        return new Encodings(contentType,
            Compress(plain, s => new BrotliStream(s, CompressionLevel.SmallestSize)),
            Compress(plain, s => new GZipStream(s, CompressionLevel.SmallestSize)));
    }

    private static byte[] Compress(MemoryStream plain, Func<Stream, Stream> encoder)
    {
        using var compressed = new MemoryStream();
        using (var encode = encoder(compressed))
            encode.Write(plain.GetBuffer(), 0, (int)plain.Length);
        return compressed.ToArray();
    }

    /// <summary>Of Brotli and gzip, the one the request weighs higher (Brotli on a tie); null when it accepts neither
    /// (the file is then sent as it is). An encoding with q=0 is refused, and "*" weighs any encoding it does not name.</summary>
    public static string? Preferred(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        double Weight(string encoding)
        {
            var choice = accepted.FirstOrDefault(a => a.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase))
                ?? accepted.FirstOrDefault(a => a.Value.Equals("*", StringComparison.Ordinal));
            return choice is null ? 0 : choice.Quality ?? 1;
        }
        var (brotli, gzip) = (Weight("br"), Weight("gzip"));
        return brotli > 0 && brotli >= gzip ? "br" : gzip > 0 ? "gzip" : null;
    }

    /// <summary>Answers a GET or HEAD for one of the bundle's text files in the encoding the request prefers;
    /// false when it does not apply (another method, another file, or no compression accepted).</summary>
    public async Task<bool> TryServeAsync(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            return false;
        if (Find(http.Request.Path.Value ?? "") is not { } file)
            return false;
        var response = http.Response;
        // The plain answer depends on Accept-Encoding too: a shared cache must not hand it to clients that take a
        // compressed one.
        response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        if (Preferred(http.Request) is not { } encoding)
            return false;
        var body = encoding == "br" ? file.Brotli : file.Gzip;
        response.ContentType = file.ContentType;
        response.ContentLength = body.Length;
        response.Headers.ContentEncoding = encoding;
        response.Headers.CacheControl = WebUi.AssetCacheControl;
        if (HttpMethods.IsGet(http.Request.Method))
            await response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        return true;
    }
}
