using System.Text.Json.Nodes;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>What a RabbitMQ trigger reads: a queue (declared durable when missing), optionally bound to an exchange
/// with a routing key, and how many unacknowledged messages it holds at once.</summary>
internal sealed record RabbitMqTriggerSettings
{
    public const int DefaultPrefetch = 10;
    public const int MaxPrefetch = 1000;
    public static readonly IReadOnlyList<string> Fields = ["queue", "exchange", "routing_key", "prefetch"];

    public required string Queue { get; init; }
    public string? Exchange { get; init; }
    public string RoutingKey { get; init; } = "";
    public int Prefetch { get; init; } = DefaultPrefetch;

    /// <summary>Where a message that can never start goes, with the reason in its headers.</summary>
    public string DeadLetterQueue => Queue + ".dead";

    /// <summary>The queue of a trigger that names only an exchange: the same on every node, so they share it.</summary>
    public static string DefaultQueue(Guid triggerId) => $"chorus.trigger.{triggerId:N}";

    public static RabbitMqTriggerSettings FromJson(JsonObject json) => new()
    {
        Queue = json["queue"]?.GetValue<string>() ?? "",
        Exchange = json["exchange"]?.GetValue<string>(),
        RoutingKey = json["routing_key"]?.GetValue<string>() ?? "",
        Prefetch = json["prefetch"]?.GetValue<int>() ?? DefaultPrefetch,
    };

    public static JsonObject Apply(JsonObject current, JsonObject body, Guid triggerId)
    {
        var settings = (JsonObject)current.DeepClone();
        foreach (var field in new[] { "queue", "exchange", "routing_key" })
        {
            if (!body.ContainsKey(field))
                continue;
            var value = body[field] is null ? null : BrokerTriggerSettings.Text(body, field);
            // AMQP short strings: at most 255 bytes; names starting "amq." are the broker's own.
            if (value is not null && (System.Text.Encoding.UTF8.GetByteCount(value) > 255 || (field == "queue" && value.StartsWith("amq.", StringComparison.Ordinal))))
                throw BrokerTriggerSettings.Invalid(field, $"'{field}' has at most 255 bytes, and a queue's name does not start with 'amq.'.");
            settings[field] = string.IsNullOrEmpty(value) && field != "routing_key" ? null : value;
        }
        if (body.ContainsKey("prefetch"))
            settings["prefetch"] = body["prefetch"] is JsonValue v && v.TryGetValue<int>(out var prefetch) && prefetch is >= 1 and <= MaxPrefetch ? prefetch
                : throw BrokerTriggerSettings.Invalid("prefetch", $"'prefetch' is a whole number from 1 to {MaxPrefetch}: how many unacknowledged messages a consumer holds at once.");
        settings["prefetch"] ??= DefaultPrefetch;
        settings["routing_key"] ??= "";
        if (settings["queue"] is null && settings["exchange"] is null)
            throw BrokerTriggerSettings.Invalid("queue", "A RabbitMQ trigger reads a 'queue', or binds one to an 'exchange' with a 'routing_key'.");
        settings["queue"] ??= DefaultQueue(triggerId);
        return settings;
    }
}
