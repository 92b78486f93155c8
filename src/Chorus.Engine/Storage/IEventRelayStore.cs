namespace Chorus.Engine.Storage;

/// <summary>What a relay of the events table to another system (Redis) needs of the store: a lease, so that one
/// process relays at a time and another takes over when it dies, and a durable cursor that moves only after the
/// other system accepted the events before it. Cursors are the store's own text: a relay keeps and hands them back.</summary>
public interface IEventRelayStore
{
    /// <summary>Takes the relay <paramref name="relay"/> for <paramref name="owner"/> until <paramref name="now"/> +
    /// <paramref name="lease"/> if nobody holds it, its lease ran out, or <paramref name="owner"/> holds it already;
    /// answers its cursor (empty: from the start of the events table), or null when another owner holds it.</summary>
    Task<string?> TryLeaseEventRelayAsync(string relay, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken ct);

    /// <summary>Up to <paramref name="max"/> committed events after <paramref name="cursor"/>, in the order they
    /// were committed for each execution, and the cursor after them. Events of transactions not committed yet are
    /// not skipped: they come in a later read.</summary>
    Task<EventRelayBatch> ReadEventsAfterAsync(string cursor, int max, CancellationToken ct);

    /// <summary>Stores <paramref name="cursor"/> if <paramref name="owner"/> still holds the relay; false otherwise.</summary>
    Task<bool> AdvanceEventRelayAsync(string relay, string owner, string cursor, CancellationToken ct);

    /// <summary>Gives the relay up (at shutdown), so that another process takes it over at once.</summary>
    Task ReleaseEventRelayAsync(string relay, string owner, CancellationToken ct);
}

/// <param name="Events">Oldest first for each execution.</param>
/// <param name="Next">The cursor after them (it may move even with no events).</param>
public sealed record EventRelayBatch(IReadOnlyList<RelayedEvent> Events, string Next);

/// <param name="Sequence">Grows with the order in which one execution's events were committed (on a store with one
/// writer it is the event's id; with several, ids do not follow commit order): compare it only between events of
/// one execution.</param>
public sealed record RelayedEvent(EventRecord Event, long Sequence);
