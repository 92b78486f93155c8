using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Server.Api;

namespace Chorus.Server.Realtime;

/// <summary>Everything the server sends, as UTF-8 JSON ready for a text frame. Events go out as their payload,
/// unchanged (seed 003's fields); replies to a client's messages carry a <c>type</c> so a client can tell them
/// from events, which carry <c>event</c>.</summary>
internal static class ServerMessages
{
    public static byte[] Authenticated(TenantId tenant) =>
        Bytes(new JsonObject { ["type"] = "authenticated", ["tenant_id"] = tenant.Value });

    public static byte[] Subscribed(IEnumerable<string> topics) => Acknowledged("subscribed", topics);

    public static byte[] Unsubscribed(IEnumerable<string> topics) => Acknowledged("unsubscribed", topics);

    public static byte[] Pong(DateTimeOffset now) => Bytes(new JsonObject { ["type"] = "pong", ["timestamp"] = now.ToString("O") });

    /// <summary>The API's error shape, plus <c>type</c>.</summary>
    public static byte[] Error(string requestId, string code, string message, JsonObject? details = null)
    {
        var body = ApiErrors.Body(requestId, code, message, details);
        var json = new JsonObject { ["type"] = "error" };
        json["error"] = body["error"]!.DeepClone();
        return Bytes(json);
    }

    public static byte[] Error(string requestId, ChorusException ex) => Error(requestId, ex.Code, ex.Message, ex.Details);

    public static byte[] Event(JsonObject payload) => Bytes(payload);

    private static byte[] Acknowledged(string type, IEnumerable<string> topics) =>
        Bytes(new JsonObject { ["type"] = type, ["topics"] = new JsonArray(topics.Select(t => (JsonNode?)t).ToArray()) });

    private static byte[] Bytes(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            node.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
