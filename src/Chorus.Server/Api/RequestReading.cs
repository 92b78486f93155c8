using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary>Reads the tenant and JSON bodies by hand, so every malformed request gets our error shape rather
/// than the framework's binding errors.</summary>
internal static class RequestReading
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>The tenant this request acts for, as its verified credential and X-Tenant-ID decided.</summary>
    public static TenantId Tenant(this HttpContext http) => http.Caller().Tenant;

    /// <summary>Reads a JSON object. NUL characters are refused unless <paramref name="nulChecked"/> says the
    /// caller refuses them itself (definitions do, with their own error code).</summary>
    public static async Task<JsonObject> ReadObjectAsync(this HttpContext http, bool allowEmpty = false, bool nulChecked = false)
    {
        var node = await http.ReadJsonAsync(allowEmpty).ConfigureAwait(false);
        if (!nulChecked && NulCharacters.FirstPath(node, "$") is { } path)
            throw new ChorusException(ErrorCodes.InvalidInput, $"The request body contains a NUL character (\\u0000) at '{path}', which cannot be stored.",
                new JsonObject { ["field"] = path });
        return node switch
        {
            JsonObject o => o,
            null when allowEmpty => new JsonObject(),
            _ => throw new ChorusException(ErrorCodes.InvalidInput, "The request body must be a JSON object."),
        };
    }

    public static async Task<JsonNode?> ReadJsonAsync(this HttpContext http, bool allowEmpty = false)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
            return allowEmpty ? null : throw new ChorusException(ErrorCodes.InvalidInput, "The request body is empty; a JSON object is expected.");
        // The JSON reader checks UTF-8 only when a string is read, which may be long after parsing (and a 500).
        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            throw new ChorusException(ErrorCodes.InvalidInput, "The request body is not valid UTF-8.");
        try
        {
            return JsonNode.Parse(buffer.ToArray(), documentOptions: DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ChorusException(ErrorCodes.InvalidInput, "The request body is not valid JSON.",
                new JsonObject { ["line"] = ex.LineNumber, ["position"] = ex.BytePositionInLine, ["reason"] = ex.Message.Split('.')[0] });
        }
    }

    public static Guid RouteId(string text, string code, string what) =>
        Guid.TryParse(text, out var id) ? id : throw new ChorusException(code, $"{what} '{Trim(text)}' does not exist (ids are UUIDs).");

    /// <summary>A list of 1 to <paramref name="max"/> execution ids (UUIDs) at <paramref name="field"/>, without repeats,
    /// in the order given.</summary>
    public static List<Guid> ExecutionIds(JsonNode list, string field, int max)
    {
        if (list is not JsonArray array || array.Count == 0 || array.Count > max)
            throw InvalidField(field, $"'{field}' must be an array of 1 to {max} execution ids.");
        var ids = new List<Guid>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue v || !v.TryGetValue<string>(out var text) || !Guid.TryParse(text, out var id))
                throw InvalidField($"{field}[{i}]", $"'{field}[{i}]' must be an execution id (a UUID).");
            if (!ids.Contains(id))
                ids.Add(id);
        }
        return ids;
    }

    private static ChorusException InvalidField(string field, string message) =>
        new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });

    public static string? OptionalString(this JsonObject body, string name)
    {
        var node = body[name];
        if (node is null)
            return null;
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' must be a string.", new JsonObject { ["field"] = name });
    }

    public static bool OptionalBool(this JsonObject body, string name, bool fallback)
    {
        var node = body[name];
        if (node is null)
            return fallback;
        return node is JsonValue v && v.TryGetValue<bool>(out var b) ? b
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' must be true or false.", new JsonObject { ["field"] = name });
    }

    private static string Trim(string text) => text.Length > 64 ? text[..64] + "..." : text;
}
