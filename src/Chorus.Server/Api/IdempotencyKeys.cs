using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;

namespace Chorus.Server.Api;

/// <summary>The <c>Idempotency-Key</c> header of the routes that start an execution: a client whose answer was
/// lost (a crash, a timeout) sends the same request with the same key again and gets the execution the first
/// one started (200 instead of 202), never a second one.</summary>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    private const int MaxLength = 255;

    /// <summary>The key and the hash of what it stands for (the kind of start, the workflow and the body); null
    /// without the header. A key that is empty, longer than 255 characters or not printable ASCII is refused.</summary>
    public static IdempotentStart? From(HttpContext http, string kind, Guid workflowId, JsonObject body)
    {
        var values = http.Request.Headers[Header];
        if (values.Count == 0)
            return null;
        var key = values.Count == 1 ? values[0] ?? "" : throw Invalid("Send one Idempotency-Key header, not several.");
        if (key.Length is 0 or > MaxLength || key.Any(c => c is < ' ' or > '~'))
            throw Invalid($"{Header} must be 1-{MaxLength} printable ASCII characters.");
        var canonical = $"{kind}\n{workflowId}\n{Canonical(body)!.ToJsonString()}";
        return new IdempotentStart(key, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }

    /// <summary>Marks a repeated request's answer, so a client can tell it apart from a first start.</summary>
    public static void MarkReplayed(HttpContext http) => http.Response.Headers["Idempotent-Replayed"] = "true";

    private static ChorusException Invalid(string message) =>
        new(ErrorCodes.InvalidInput, message, new JsonObject { ["header"] = Header });

    // The same JSON written with its keys in another order is the same request.
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };
}
