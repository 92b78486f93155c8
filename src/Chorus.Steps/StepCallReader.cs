using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Chorus.Steps;

/// <summary>A call that cannot be run, with the answer it gets.</summary>
internal sealed class RefusedCall(int status, string code, string message, JsonObject? details = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public JsonObject? Details { get; } = details;
}

/// <summary>Reads <c>POST /steps/{name}</c> by hand: the body within its size cap, JSON of the right shape, and the
/// engine's headers, so that every malformed call is answered with the error shape rather than a framework error.</summary>
internal static class StepCallReader
{
    private const int MaxKeyLength = 256;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 512 };

    public static async Task<StepRequest> ReadAsync(HttpContext http, long maxBodyBytes)
    {
        var body = await ReadBodyAsync(http, maxBodyBytes).ConfigureAwait(false);
        var call = Parse(body);
        var headers = http.Request.Headers;
        return new StepRequest(
            Member(call, "context"),
            Member(call, "config"),
            Header(headers, "Idempotency-Key"),
            Header(headers, "X-Chorus-Execution-Id"),
            Header(headers, "X-Chorus-Step-Id"),
            Attempt(Header(headers, "X-Chorus-Attempt")),
            Header(headers, "X-Chorus-Tenant"));
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http, long maxBodyBytes)
    {
        if (http.Request.ContentLength > maxBodyBytes)
            throw TooLarge(maxBodyBytes);
        // Kestrel enforces the cap too, also for chunked bodies that declare no length.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBodyBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBodyBytes)
                    throw TooLarge(maxBodyBytes);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            throw ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(maxBodyBytes)
                : new RefusedCall(400, "invalid_input", "The request body could not be read.");
        }
        return buffer.ToArray();
    }

    private static JsonObject Parse(byte[] body)
    {
        // An empty body is a call without context or config.
        if (body.Length == 0)
            return [];
        // The JSON reader checks UTF-8 only when a string is read, which may be after parsing.
        if (!System.Text.Unicode.Utf8.IsValid(body))
            throw new RefusedCall(400, "invalid_input", "The request body is not valid UTF-8.");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, documentOptions: DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new RefusedCall(400, "invalid_input", "The request body is not valid JSON.",
                new JsonObject { ["line"] = ex.LineNumber, ["position"] = ex.BytePositionInLine, ["reason"] = ex.Message.Split('.')[0] });
        }
        return node as JsonObject ?? throw new RefusedCall(400, "invalid_input",
            "The request body must be a JSON object: {\"context\": {...}, \"config\": {...}}.",
            new JsonObject { ["found"] = node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant() });
    }

    private static JsonObject Member(JsonObject call, string name)
    {
        var node = call[name];
        if (node is null)
            return [];
        if (node is not JsonObject member)
            throw new RefusedCall(400, "invalid_input", $"'{name}' must be a JSON object.", new JsonObject { ["field"] = name });
        // Detached, so a handler may keep or return parts of it freely.
        call.Remove(name);
        return member;
    }

    private static string? Header(IHeaderDictionary headers, string name)
    {
        var value = headers[name].ToString();
        if (value.Length == 0)
            return null;
        if (value.Length > MaxKeyLength)
            throw new RefusedCall(400, "invalid_input", $"The {name} header is longer than {MaxKeyLength} characters.", new JsonObject { ["header"] = name });
        return value;
    }

    private static int? Attempt(string? text)
    {
        if (text is null)
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) ? attempt
            : throw new RefusedCall(400, "invalid_input", "The X-Chorus-Attempt header must be a whole number (0 or more).", new JsonObject { ["header"] = "X-Chorus-Attempt" });
    }

    private static RefusedCall TooLarge(long maxBodyBytes) =>
        new(413, "payload_too_large", $"The request body is larger than {maxBodyBytes} bytes.", new JsonObject { ["max_bytes"] = maxBodyBytes });
}
