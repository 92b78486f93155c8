using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Server.Security;
using Chorus.Server.Tiers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Chorus.Server.Files;

/// <summary>A file as an upload delivered it, not yet checked.</summary>
internal sealed record Upload(string Name, string? DeclaredType, byte[] Content);

/// <summary>Reads an upload: the raw body (its Content-Type, <c>?name=</c>) or a multipart/form-data body with one file
/// part. Uploads have their own size rule: FILES_MAX_BYTES, or the tenant's tier's max_body_bytes when smaller, in
/// place of MAX_BODY_BYTES (which is meant for JSON bodies).</summary>
internal static class FileUploads
{
    public const int MaxNameLength = 255;

    /// <summary>What a multipart body may carry beyond its file: boundaries and part headers.</summary>
    private const int MultipartFraming = 16 * 1024;

    /// <summary>The largest file the tenant may upload.</summary>
    public static long LimitFor(HttpContext http, FileSettings settings)
    {
        var tier = http.RequestServices.GetRequiredService<TierQuotas>().LimitsOf(http.Caller().Tenant).MaxBodyBytes;
        return Math.Min(settings.MaxBytes, tier ?? long.MaxValue);
    }

    public static async Task<Upload> ReadAsync(HttpContext http, long limit)
    {
        var multipart = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        var bodyLimit = limit + (multipart ? MultipartFraming : 0);
        if (http.Request.ContentLength > bodyLimit)
            throw TooLarge(limit);
        // The server's limit (MAX_BODY_BYTES, or the tier's, set before this runs) gives way to the upload's own.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = bodyLimit;
        return multipart ? await ReadPartAsync(http, type!, limit).ConfigureAwait(false) : await ReadRawAsync(http, limit).ConfigureAwait(false);
    }

    private static async Task<Upload> ReadRawAsync(HttpContext http, long limit)
    {
        var name = http.Request.Query["name"].ToString();
        if (name.Length == 0)
            throw Invalid("name", "A raw upload names its file with ?name= (for example ?name=report.csv).");
        var content = await BoundedAsync(http.Request.Body, limit, http.RequestAborted).ConfigureAwait(false);
        return new Upload(CheckName(name), http.Request.ContentType, content);
    }

    private static async Task<Upload> ReadPartAsync(HttpContext http, MediaTypeHeaderValue type, long limit)
    {
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            throw Invalid("content-type", "A multipart/form-data body needs a boundary of at most 200 characters.");
        var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = MultipartFraming / 2 };
        Upload? upload = null;
        try
        {
            while (await reader.ReadNextSectionAsync(http.RequestAborted).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data") || !disposition.IsFileDisposition())
                    throw Invalid("file", "The multipart body must have exactly one part, a file (Content-Disposition: form-data; name=\"file\"; filename=\"...\").");
                if (upload is not null)
                    throw Invalid("file", "The multipart body has more than one part; upload one file per request.");
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                var name = http.Request.Query["name"].ToString() is { Length: > 0 } given ? given : Path.GetFileName(fileName.Replace('\\', '/'));
                if (name.Length == 0)
                    throw Invalid("name", "The file part has no filename; give one, or ?name=.");
                upload = new Upload(CheckName(name), section.ContentType, await BoundedAsync(section.Body, limit, http.RequestAborted).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is (IOException and not BadHttpRequestException) or InvalidDataException && !http.RequestAborted.IsCancellationRequested)
        {
            // The reader's words for a body that is not multipart as declared: IOException for a truncated one,
            // InvalidDataException for part headers past their limit. The server's own BadHttpRequestException (a body
            // past the size limit, 413) is an IOException too, and goes on to the error handling as it is.
            throw Invalid("file", $"The multipart body is malformed: {ex.Message}");
        }
        return upload ?? throw Invalid("file", "The multipart body has no file part.");
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; one more is a 413.</summary>
    private static async Task<byte[]> BoundedAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
                throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A name to show and to propose for a download: no folders, no control characters.</summary>
    public static string CheckName(string name)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl) || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw Invalid("name", $"A file's name has 1 to {MaxNameLength} characters, without '/', '\\' or control characters.");
        return name;
    }

    public static ChorusException TooLarge(long limit) => new(ErrorCodes.PayloadTooLarge, $"The file is larger than {limit} bytes, the most this tenant may store in one file.",
        new JsonObject { ["limit_bytes"] = limit });

    private static ChorusException Invalid(string field, string message) => new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
