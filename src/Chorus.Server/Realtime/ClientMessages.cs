using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Realtime;

/// <summary>A message a client sent, checked: anything malformed is a <see cref="ChorusException"/> that goes
/// back to the client as an error message, never a closed connection.</summary>
internal abstract record ClientMessage
{
    public sealed record Authenticate(string? Token, string? TenantId) : ClientMessage;

    /// <param name="Topics">Normalized and without repeats.</param>
    public sealed record Subscribe(IReadOnlyList<string> Topics) : ClientMessage;

    public sealed record Unsubscribe(IReadOnlyList<string> Topics) : ClientMessage;

    public sealed record Ping : ClientMessage;
}

internal static class ClientMessages
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private static readonly string[] Actions = ["authenticate", "subscribe", "unsubscribe", "ping"];

    public static ClientMessage Parse(ReadOnlySpan<byte> utf8, int maxTopics)
    {
        // The JSON reader checks UTF-8 only when a string is read; check it all first, for one clear answer.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            throw Invalid("The message is not valid UTF-8.", null);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Invalid("The message is not valid JSON.", new JsonObject
            {
                ["line"] = ex.LineNumber, ["position"] = ex.BytePositionInLine, ["reason"] = ex.Message.Split('.')[0],
            });
        }
        if (node is not JsonObject message)
            throw Invalid("A message must be a JSON object with an 'action'.", null);
        return Text(message, "action") switch
        {
            "authenticate" => new ClientMessage.Authenticate(Text(message, "token"), Text(message, "tenant_id")),
            "subscribe" => new ClientMessage.Subscribe(TopicsOf(message, maxTopics)),
            "unsubscribe" => new ClientMessage.Unsubscribe(TopicsOf(message, maxTopics)),
            "ping" => new ClientMessage.Ping(),
            null => throw Invalid("The message has no 'action'.", Field("action")),
            var other => throw Invalid($"Unknown action '{Trim(other)}'.", new JsonObject
            {
                ["field"] = "action", ["allowed"] = new JsonArray(Actions.Select(a => (JsonNode?)a).ToArray()),
            }),
        };
    }

    private static List<string> TopicsOf(JsonObject message, int maxTopics)
    {
        if (message["topics"] is not JsonArray list || list.Count == 0)
            throw Invalid("'topics' must be a non-empty array of topics: " + Topics.Forms + ".", Field("topics"));
        if (list.Count > maxTopics)
            throw Invalid($"At most {maxTopics} topics fit in one message.", new JsonObject { ["field"] = "topics", ["limit"] = maxTopics });
        var topics = new List<string>(list.Count);
        foreach (var item in list)
        {
            var text = item is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            var topic = text is null ? null : Topics.Normalize(text);
            if (topic is null)
                throw Invalid($"'{Trim(item?.ToJsonString() ?? "null")}' is not a topic; topics are {Topics.Forms} (ids are UUIDs).",
                    new JsonObject { ["field"] = "topics", ["topic"] = Trim(text ?? item?.ToJsonString() ?? "null") });
            if (!topics.Contains(topic))
                topics.Add(topic);
        }
        return topics;
    }

    private static string? Text(JsonObject message, string name) => message[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw Invalid($"'{name}' must be a string.", Field(name)),
    };

    private static JsonObject Field(string name) => new() { ["field"] = name };

    private static ChorusException Invalid(string message, JsonObject? details) => new(ErrorCodes.InvalidInput, message, details);

    private static string Trim(string text) => text.Length > 64 ? text[..64] + "..." : text;
}
