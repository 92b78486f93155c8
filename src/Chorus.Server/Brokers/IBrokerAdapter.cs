using System.Text.Json.Nodes;

namespace Chorus.Server.Brokers;

/// <summary>What one message broker brings to broker triggers: its settings and a consumer. Everything else (the
/// management API, secrets, starting executions idempotently, dead-letter decisions, following trigger changes) is
/// shared, so another broker (Kafka with Confluent.Kafka, say) is one more implementation registered beside
/// <see cref="RabbitMq.RabbitMqAdapter"/>.</summary>
internal interface IBrokerAdapter
{
    /// <summary>The trigger kind in the store, and the routes' name: <c>/api/workflows/{id}/{Kind}-triggers</c>.</summary>
    string Kind { get; }

    /// <summary>The broker's own settings fields (beyond name, secret, input and enabled).</summary>
    IReadOnlyList<string> Fields { get; }

    /// <summary>Applies the broker's fields of a create or update body to <paramref name="current"/> (the settings with
    /// the shared fields already applied), answering a new object; throws invalid_input naming the field. Checks the
    /// shape only: nothing is connected to.</summary>
    JsonObject Apply(JsonObject current, JsonObject body, Guid triggerId);

    /// <summary>Whether a secret's value is a connection URL of this broker, and the form one has (for the error).</summary>
    bool IsConnectionUrl(string value);

    string UrlForm { get; }

    /// <summary>Read-only facts derived from the settings, added to the API's answers (the dead-letter queue's name).</summary>
    JsonObject Describe(JsonObject settings);

    /// <summary>Reads the trigger's messages until <paramref name="ct"/> is cancelled, one handler call per message, and
    /// settles each as the handler's verdict says: acknowledged only once the verdict is known. Reconnects by itself
    /// while the broker is away; returns only when cancelled.</summary>
    Task ConsumeAsync(BrokerSubscription subscription, Func<BrokerMessage, CancellationToken, Task<BrokerVerdict>> handle, CancellationToken ct);
}

/// <summary>One trigger's consumer: what it reads (<see cref="Settings"/>, the adapter's) with the connection its
/// secret holds. <see cref="ConnectionUrl"/> carries a credential: never log it.</summary>
internal sealed record BrokerSubscription(Guid TriggerId, JsonObject Settings, string ConnectionUrl);

/// <summary>A message as the shared code sees it, whatever the broker.</summary>
internal sealed record BrokerMessage
{
    public required ReadOnlyMemory<byte> Body { get; init; }
    /// <summary>The producer's id for the message, when it set one: a redelivery or a republish carries the same.</summary>
    public string? MessageId { get; init; }
    public string? ContentType { get; init; }
    public required JsonObject Headers { get; init; }
    /// <summary>The broker's properties of the message (routing key, timestamps...), for the envelope and the trigger.</summary>
    public required JsonObject Properties { get; init; }
}

/// <summary>What becomes of a message.</summary>
internal abstract record BrokerVerdict
{
    /// <summary>The execution is committed (now or by an earlier delivery): acknowledge.</summary>
    public sealed record Started(Guid ExecutionId, bool Replayed) : BrokerVerdict;

    /// <summary>It can never start (not JSON, refused by the input schema, workflow gone): to the dead-letter queue, with
    /// the reason, and acknowledged.</summary>
    public sealed record Dead(string Code, string Reason) : BrokerVerdict;

    /// <summary>It may start later (the store is unavailable): back to the queue after a pause.</summary>
    public sealed record Retry(string Reason) : BrokerVerdict;
}
