namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>EVENTS_RABBITMQ_URL and EVENTS_RABBITMQ_EXCHANGE: the broker and the topic exchange every execution event is
/// published to. The operator's setting, not a tenant's secret: the relay is one for the server, and carries every
/// tenant's events (each under its tenant's routing keys).</summary>
public sealed record RabbitMqEventsSettings
{
    public const string DefaultExchange = "chorus.events";

    /// <summary>amqp:// or amqps:// URL, with its credentials; never logged.</summary>
    public required string Url { get; init; }

    public string Exchange { get; init; } = DefaultExchange;

    /// <summary>Null when EVENTS_RABBITMQ_URL is not set; <see cref="Hosting.OptionsException"/> (naming the variable, never the
    /// URL) when a value is malformed.</summary>
    public static RabbitMqEventsSettings? FromEnvironment(Func<string, string?> read)
    {
        var url = read("EVENTS_RABBITMQ_URL")?.Trim();
        var exchange = read("EVENTS_RABBITMQ_EXCHANGE")?.Trim();
        if (string.IsNullOrEmpty(url))
            return string.IsNullOrEmpty(exchange) ? null
                : throw new Hosting.OptionsException("EVENTS_RABBITMQ_EXCHANGE: set EVENTS_RABBITMQ_URL too (the broker to publish events to).");
        if (!RabbitMqConnections.IsUrl(url))
            throw new Hosting.OptionsException("EVENTS_RABBITMQ_URL: must be amqp://[user:password@]host[:port][/vhost] or amqps://….");
        if (string.IsNullOrEmpty(exchange))
            return new RabbitMqEventsSettings { Url = url };
        if (System.Text.Encoding.UTF8.GetByteCount(exchange) > 255 || exchange.StartsWith("amq.", StringComparison.Ordinal))
            throw new Hosting.OptionsException("EVENTS_RABBITMQ_EXCHANGE: an exchange's name has at most 255 bytes and does not start with 'amq.' (the broker's own).");
        return new RabbitMqEventsSettings { Url = url, Exchange = exchange };
    }
}
