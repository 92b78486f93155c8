using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Microsoft.AspNetCore.Http.Features;

namespace Chorus.Server.Webhooks;

/// <summary>A call's body, read up to its cap, and what it becomes: JSON as it is; any other text as
/// <c>{"body": text, "content_type"}</c>; bytes that are not UTF-8 as <c>{"body_base64", "content_type"}</c>.</summary>
internal static class WebhookPayload
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>The raw body (the signature covers exactly these bytes); more than <paramref name="cap"/> is 413, by
    /// its declared length before anything is read, else as soon as the stream passes the cap.</summary>
    public static async Task<byte[]> ReadAsync(HttpContext http, long cap)
    {
        if (http.Request.ContentLength > cap)
            throw TooLarge(cap, http.Request.ContentLength);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && (size.MaxRequestBodySize ?? long.MaxValue) > cap)
            size.MaxRequestBodySize = cap + 1;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > cap)
                throw TooLarge(cap, null);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The body as a JSON value; null when empty. A body declared JSON must be JSON.</summary>
    public static JsonNode? ToJson(byte[] body, string? contentType)
    {
        if (body.Length == 0)
            return null;
        var utf8 = System.Text.Unicode.Utf8.IsValid(body);
        if (utf8 && IsJson(contentType))
        {
            try
            {
                var json = JsonNode.Parse(body, documentOptions: DocumentOptions);
                if (NulCharacters.FirstPath(json, "$") is { } path)
                    throw new ChorusException(ErrorCodes.InvalidInput, $"The body contains a NUL character (\\u0000) at '{path}', which cannot be stored.",
                        new JsonObject { ["field"] = path });
                return json;
            }
            catch (JsonException ex)
            {
                throw new ChorusException(ErrorCodes.InvalidInput, "The body is declared JSON but is not valid JSON.",
                    new JsonObject { ["line"] = ex.LineNumber, ["position"] = ex.BytePositionInLine });
            }
        }
        return utf8
            ? new JsonObject { ["body"] = Encoding.UTF8.GetString(body).Replace("\0", "\uFFFD", StringComparison.Ordinal), ["content_type"] = contentType }
            : new JsonObject { ["body_base64"] = Convert.ToBase64String(body), ["content_type"] = contentType };
    }

    /// <summary>The allowed headers present on the call, by lowercase name; several values are joined by ", ".</summary>
    public static JsonObject Headers(HttpRequest request, IEnumerable<string> allowed)
    {
        var headers = new JsonObject();
        foreach (var name in allowed)
            if (request.Headers.TryGetValue(name, out var values) && values.Count > 0)
                headers[name] = string.Join(", ", values.Select(v => v ?? ""));
        return headers;
    }

    // No content type is read as JSON too: most senders of JSON set it, and curl -d sets a form type instead.
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return true;
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static ChorusException TooLarge(long cap, long? declared) =>
        new(ErrorCodes.PayloadTooLarge, $"This webhook accepts bodies of at most {cap} bytes.",
            new JsonObject { ["limit"] = "max_body_bytes", ["allowed"] = cap, ["current"] = declared });
}
