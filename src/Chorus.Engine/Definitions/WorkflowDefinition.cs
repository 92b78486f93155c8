using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Definitions;

/// <summary>A workflow as its author wrote it (SPEC §2), after parsing. Immutable once saved as a version.</summary>
public sealed record WorkflowDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The author's label, e.g. "1.1.0"; Chorus numbers versions itself.</summary>
    public string? Version { get; init; }
    public WorkflowStatus Status { get; init; } = WorkflowStatus.Active;
    public JsonObject? InputSchema { get; init; }
    public string? StartAt { get; init; }
    /// <summary>Longest time an execution may take, or null for the server's default.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Executions of the workflow that may be under way at once (pending for a slot, running, waiting or
    /// paused); more wait as pending until one ends. Null for no limit of its own.</summary>
    public int? MaxConcurrentExecutions { get; init; }
    /// <summary>Names an execution can be listed by, each with the expression over the execution context that gives
    /// its value (kept when it is a string, number or boolean).</summary>
    public IReadOnlyDictionary<string, string> SearchAttributes { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyList<StepDefinition> Steps { get; init; }
    /// <summary>The test cases the workflow carries, run by <c>POST /api/workflows/{id}/tests</c> and <c>chorus test</c>.</summary>
    public IReadOnlyList<WorkflowTestCase> Tests { get; init; } = [];
}

public sealed record StepDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public JsonObject Config { get; init; } = new();
    public string? Next { get; init; }
    public IReadOnlyList<string> NextSteps { get; init; } = [];
    /// <summary>Seed 002's step-level condition list (all must hold).</summary>
    public JsonArray? Conditions { get; init; }
    public RetryPolicy? Retry { get; init; }
    public TimeSpan? Timeout { get; init; }
    /// <summary>Where the execution goes when the step fails for good, instead of failing.</summary>
    public string? OnError { get; init; }
}

/// <summary>How often and how patiently a failed step is tried again.</summary>
public sealed record RetryPolicy
{
    /// <summary>Total attempts including the first; null means the server's STEP_RETRY_LIMIT.</summary>
    public int? MaxAttempts { get; init; }
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromSeconds(1);
    public double BackoffCoefficient { get; init; } = 2.0;
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How much of each delay may be taken off at random (0 to 1): with 0.5 a 10 s delay becomes 5 to 10 s, so
    /// that executions failing together against one service do not all retry at the same moment.</summary>
    public double Jitter { get; init; }

    /// <summary>The full delay before <paramref name="attempt"/>, before any jitter.</summary>
    public TimeSpan DelayBeforeAttempt(int attempt) => DelayBeforeAttempt(attempt, spread: 0);

    /// <param name="spread">Where in the jitter's range this delay falls, from 0 (the full delay) to 1.</param>
    public TimeSpan DelayBeforeAttempt(int attempt, double spread)
    {
        var factor = Math.Pow(BackoffCoefficient, Math.Max(0, attempt - 2));
        // Validation bounds the intervals; the clamp keeps a policy saved before that from overflowing a due time.
        var ms = Math.Min(Math.Min(InitialInterval.TotalMilliseconds * factor, MaxInterval.TotalMilliseconds),
            DurationLimits.MaxRetryInterval.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (1 - Jitter * Math.Clamp(spread, 0, 1)));
    }
}
