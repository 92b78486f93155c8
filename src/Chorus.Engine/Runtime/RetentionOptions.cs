namespace Chorus.Engine.Runtime;

/// <summary>How long history and the outbox of events are kept, and how gently pruning goes about it.</summary>
public sealed record RetentionOptions
{
    /// <summary>HISTORY_RETENTION_DAYS: how long finished executions are kept after they ended, unless an
    /// <see cref="IRetentionPolicy"/> says otherwise per tenant; null (the default) keeps everything.</summary>
    public TimeSpan? History { get; init; }

    /// <summary>EVENTS_RETENTION_HOURS: how long events stay in the outbox other nodes read them from (24 hours);
    /// null keeps them. A node reads an event moments after the commit that announced it, never later.</summary>
    public TimeSpan? Events { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Executions (or events) deleted per transaction: small enough that the engine's commits, which
    /// share the writer, wait for one batch at most.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>The pause after each batch, in which the engine's commits run unhindered.</summary>
    public TimeSpan PauseBetweenBatches { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the pruning job looks for what to prune.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Free pages an embedded store gives back to the file system after each batch (SQLite's incremental
    /// vacuum; 4 KiB each).</summary>
    public int VacuumPagesPerBatch { get; init; } = 4096;
}
