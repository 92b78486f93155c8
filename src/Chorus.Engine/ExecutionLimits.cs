namespace Chorus.Engine;

/// <summary>What one execution may use, so that no definition can crash, wedge or starve the server. Each has a
/// documented default and an environment variable (read by the server); the tier work will make them per tenant.</summary>
public sealed record ExecutionLimits
{
    /// <summary>SUBFLOW_MAX_DEPTH: how deep subflows may nest (a root execution is depth 0).</summary>
    public int MaxSubflowDepth { get; init; } = 10;

    /// <summary>JSON_MAX_DEPTH: deepest nesting of any JSON value an execution produces or receives. The stores
    /// read values at least this deep, so whatever the engine writes it can read back.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>STEP_OUTPUT_MAX_BYTES: largest output of one step, as UTF-8 JSON.</summary>
    public int MaxStepOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>CONTEXT_MAX_BYTES: largest execution context (input, variables, every step's output), as UTF-8 JSON.</summary>
    public int MaxContextBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>JSON_MAX_ARRAY_INDEX: the highest array index a field path may write (<c>x[10000]</c>).</summary>
    public int MaxArrayIndex { get; init; } = 10_000;

    /// <summary>LOOP_MAX_ITERATIONS: loop iterations (foreach items, nested ones included) one execution may run in all.</summary>
    public int MaxLoopIterations { get; init; } = 100_000;

    /// <summary>COMMIT_MAX_FAILURES: failed commits of one work item before its execution is failed with
    /// <c>internal_error</c>, so a poison item cannot stop the worker.</summary>
    public int MaxCommitFailures { get; init; } = 3;

    /// <summary>TENANT_SLOT_SHARE: the share (0-1] of MAX_CONCURRENT_WORKFLOWS one tenant may hold, so that a wedged
    /// or busy tenant cannot keep the others pending.</summary>
    public double TenantSlotShare { get; init; } = 0.5;
}
