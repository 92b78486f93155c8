using Chorus.Engine.Outbound;
using Chorus.Engine.Steps.Remote;

namespace Chorus.Engine.Runtime;

/// <summary>How the engine runs. Every value has a default that suits one machine.</summary>
public sealed record EngineOptions
{
    /// <summary>Executions that may hold a slot at once (running, waiting, paused); more wait as pending.
    /// Child executions of a subflow are always admitted so a parent cannot starve its own child.</summary>
    public int MaxConcurrentWorkflows { get; init; } = 100;

    /// <summary>The slots one tenant may hold at once: its share (<see cref="ExecutionLimits.TenantSlotShare"/>) of
    /// <see cref="MaxConcurrentWorkflows"/>, rounded down so that no tenant ever holds more than its share, and at
    /// least one so that every tenant can run. (The tiny addition keeps 0.29 × 100 at 29, not 28.999….)</summary>
    public int TenantSlotCap => Math.Clamp((int)Math.Floor(MaxConcurrentWorkflows * Limits.TenantSlotShare + 1e-9), 1, MaxConcurrentWorkflows);

    /// <summary>Longest sleep of an idle worker before it looks for due work again (WORKFLOW_CHECK_INTERVAL).
    /// In-process wake-ups make this a fallback, not the normal path.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per step, the first included, unless the step's retry policy says otherwise.</summary>
    public int StepRetryLimit { get; init; } = 3;

    /// <summary>Longest one attempt may run unless the step sets its own timeout (STEP_TIMEOUT).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Longest an execution may take unless its workflow sets a timeout; null means no limit.</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>Step attempts this process runs at the same time. Most steps wait on I/O (HTTP, a database, a
    /// timer's hand-over), and the committer writes the results of all of them in one transaction, so more steps in
    /// flight mean fuller group commits: 128 measured 10-15% more durable steps per second than 32 on 2 cores.</summary>
    public int WorkerConcurrency { get; init; } = 128;

    /// <summary>How long a claimed work item stays leased without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Identifies this process as a lease owner.</summary>
    public string NodeId { get; init; } = $"node-{Guid.NewGuid():N}";

    /// <summary>Most operations committed together in one transaction.</summary>
    public int CommitBatchSize { get; init; } = 256;

    /// <summary>Transactions committing at once on a shared store (PostgreSQL), so that one waiting for the
    /// server does not hold up the others; the embedded store has one writer.</summary>
    public int CommitLanes { get; init; } = 4;

    /// <summary>What one execution may use (depths, sizes, loop budget, subflow depth, tenant share).</summary>
    public ExecutionLimits Limits { get; init; } = new();

    /// <summary>What workflows may reach over HTTP (HTTP_ALLOW_PRIVATE, HTTP_ALLOW_HOSTS, HTTP_MAX_REDIRECTS,
    /// HTTP_MAX_RESPONSE_BYTES, HTTP_TIMEOUT); the defaults allow public addresses only.</summary>
    public OutboundHttpOptions OutboundHttp { get; init; } = new();

    /// <summary>How long history and events are kept (HISTORY_RETENTION_DAYS, EVENTS_RETENTION_HOURS).</summary>
    public RetentionOptions Retention { get; init; } = new();

    /// <summary>The steps services whose steps run over HTTP (STEPS_SVC_URL, STEPS_SVC_TIMEOUT); none by default.</summary>
    public RemoteStepsOptions RemoteSteps { get; init; } = new();
}
