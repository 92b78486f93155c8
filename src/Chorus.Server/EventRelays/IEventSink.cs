using Chorus.Engine.Storage;

namespace Chorus.Server.EventRelays;

/// <summary>Another system the events table is relayed to (Redis, a RabbitMQ exchange): what differs between them.
/// The <see cref="OutboxRelay"/> around it reads the outbox, holds the lease and moves the cursor.</summary>
internal interface IEventSink : IAsyncDisposable
{
    /// <summary>The relay's name in the store (its cursor and lease): one cursor per sink, so each system gets every
    /// event whatever the others do.</summary>
    string RelayName { get; }

    /// <summary>For logs: "Redis events", "RabbitMQ events".</summary>
    string DisplayName { get; }

    /// <summary>Sends the batch, keeping the order of each execution's events: an event is sent only once every earlier
    /// event of its execution in the batch was accepted. Answers null once the system accepted every event of the
    /// batch, else why not (the relay sends the whole batch again later). Never throws for the system's failures, and
    /// never puts a credential in the reason.</summary>
    Task<string?> PublishAsync(IReadOnlyList<RelayedEvent> batch, CancellationToken ct);
}
