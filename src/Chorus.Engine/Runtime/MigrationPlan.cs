namespace Chorus.Engine.Runtime;

/// <summary>Whether and how one execution moves onto the migration's target version: each step it is at (scheduled,
/// running or waiting) maps onto a step of the target, by the same id unless the request's mapping names another.</summary>
public sealed record MigrationPlan
{
    public required Guid ExecutionId { get; init; }
    public required int FromVersion { get; init; }
    public required int ToVersion { get; init; }
    public required bool Movable { get; init; }
    /// <summary>Why it cannot move (one of <see cref="MigrationReasons"/>); null when it can.</summary>
    public string? Reason { get; init; }
    public string? Message { get; init; }
    /// <summary>The steps the execution is at, each with the step of the target version it moves onto.</summary>
    public IReadOnlyList<StepMapping> Mapping { get; init; } = [];
}

public sealed record StepMapping(string FromStep, string ToStep);

/// <summary>Why an execution does not move.</summary>
public static class MigrationReasons
{
    public const string Ended = "ended";
    public const string SameVersion = "same_version";
    public const string OtherWorkflow = "other_workflow";
    public const string NotFound = "not_found";
    public const string StepRemoved = "step_removed";
    public const string MappingAmbiguous = "mapping_ambiguous";
    public const string StepTypeChanged = "step_type_changed";
    public const string InputInvalid = "input_invalid";
    /// <summary>A step attempt is running: the move waits for it to commit (see <see cref="MigrationOutcome"/>).</summary>
    public const string InFlight = "in_flight";
    /// <summary>Applying: the execution changed version or ended since it was planned.</summary>
    public const string Changed = "changed";
    /// <summary>Rolling back: a step ran on the new version since the move.</summary>
    public const string RanSinceMove = "ran_since_move";
    public const string RolledBack = "rolled_back";
}

/// <summary>What applying (or rolling back) a migration did to each execution.</summary>
public sealed record MigrationOutcome
{
    public required Guid MigrationId { get; init; }
    public required IReadOnlyList<MigrationResult> Results { get; init; }
}

/// <summary>One execution's result: <see cref="Status"/> is moved, pending (it moves when its step in flight commits)
/// or skipped (with <see cref="Reason"/>).</summary>
public sealed record MigrationResult(Guid ExecutionId, string Status, string? Reason = null, string? Message = null);
