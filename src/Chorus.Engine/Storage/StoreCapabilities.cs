namespace Chorus.Engine.Storage;

/// <summary>What the engine may assume of a store. Each flag is read in one place of the engine, named beside it,
/// so what a store promises and what the engine does with it can be read together.</summary>
public sealed record StoreCapabilities
{
    /// <summary>Only this process writes: the committer keeps the executions it wrote in memory rather than read
    /// them back (<c>Committer</c>'s execution cache).</summary>
    public bool SingleWriter { get; init; }

    /// <summary>Several transactions may run at once (row locks keep two changes of one execution apart): the
    /// committer runs <see cref="Runtime.EngineOptions.CommitLanes"/> lanes instead of one.</summary>
    public bool ConcurrentTransactions { get; init; }

    /// <summary>Other nodes claim from the same work queue: a commit leases to this node no more than its worker
    /// can start now and leaves the rest to any node (<c>Committer.LocalCapacity</c>). The store announces the work
    /// it queues to every node (<see cref="IEngineStore.ListenForWorkAsync"/>).</summary>
    public bool SharedWorkQueue { get; init; }

    /// <summary>Leases held when the engine starts belong to a process that is gone, and are reclaimed at once
    /// (<c>ChorusEngine.StartAsync</c>); on a store shared by nodes they belong to live nodes until they expire.</summary>
    public bool ForeignLeasesAbandonedAtStart { get; init; }

    /// <summary>Other nodes' clients see this node's events: each commit announces the ids of the events it wrote
    /// (<c>Committer</c>), and the store hands other nodes' events to <see cref="IEngineStore.ListenForEventsAsync"/>.</summary>
    public bool CrossNodeEvents { get; init; }

    /// <summary>A commit returns before it is on disk, and <see cref="IEngineStore.SyncCommits"/> puts every commit
    /// returned so far there: the committer acknowledges a batch only after that call (<c>CommitSync</c>) and commits
    /// the next batches meanwhile, so one flush to disk covers several commits. For a single-process store only:
    /// other nodes would read commits not yet on disk.</summary>
    public bool CommitsSyncedLater { get; init; }

    /// <summary>One process, one writer: the embedded SQLite store.</summary>
    public static StoreCapabilities SingleProcess { get; } = new() { SingleWriter = true, ForeignLeasesAbandonedAtStart = true };

    /// <summary>A database shared by several nodes at once: the PostgreSQL store.</summary>
    public static StoreCapabilities SharedByNodes { get; } = new()
    {
        ConcurrentTransactions = true, SharedWorkQueue = true, CrossNodeEvents = true,
    };
}
