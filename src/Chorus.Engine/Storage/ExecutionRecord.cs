using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>Where an execution is. <see cref="Created"/> is one written but not started (the templates and instances
/// API creates an instance first and starts it later): it holds no slot, admission passes it over, and it waits for
/// <c>ChorusEngine.StartCreatedAsync</c>; <see cref="Pending"/> is one started but queued for a slot.</summary>
public enum ExecutionStatus { Pending, Running, Waiting, Paused, Completed, Failed, Cancelled, Created }

public enum ExecutionMode { Automatic, Manual }

/// <summary>One execution's row. Mutable only inside a transaction of the committer, which reads it,
/// applies one change and writes it back.</summary>
public sealed class ExecutionRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid Id { get; init; }
    public required Guid WorkflowId { get; init; }
    /// <summary>The version the execution runs; only a migration changes it (<see cref="MoveToVersion"/>).</summary>
    public required int WorkflowVersion { get => _workflowVersion; init => _workflowVersion = value; }
    public required ExecutionStatus Status { get; set; }
    public required ExecutionMode Mode { get; init; }
    public JsonNode? Input { get; init; }
    /// <summary>What expressions see as <c>$</c>: input, variables, and step outputs by step id.</summary>
    public required JsonObject Context { get; set; }
    public required ExecutionState State { get; set; }
    public JsonNode? Output { get; set; }
    public JsonObject? Error { get; set; }
    public string? CurrentStep { get; set; }
    public Guid? ParentExecutionId { get; init; }
    public string? ParentStepId { get; init; }
    public bool IsTest { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? DeadlineAt { get; set; }
    public int TotalSteps { get; init; }
    /// <summary>Pending because its workflow has as many executions under way as its version allows: it waits outside
    /// the queue for a concurrency slot until one of them ends.</summary>
    public bool AwaitsWorkflowSlot { get; set; }

    public bool IsTerminal => Status.IsTerminal();

    private int _workflowVersion;

    internal void MoveToVersion(int version) => _workflowVersion = version;

    /// <summary>A deep copy: the committer keeps changing its own instance, so callers get their own.</summary>
    internal ExecutionRecord Copy() => new()
    {
        Tenant = Tenant, Id = Id, WorkflowId = WorkflowId, WorkflowVersion = WorkflowVersion, Status = Status, Mode = Mode,
        Input = Input?.DeepClone(), Context = (JsonObject)Context.DeepClone(), State = State.Copy(), Output = Output?.DeepClone(),
        Error = (JsonObject?)Error?.DeepClone(), CurrentStep = CurrentStep, ParentExecutionId = ParentExecutionId,
        ParentStepId = ParentStepId, IsTest = IsTest, CreatedAt = CreatedAt, StartedAt = StartedAt, CompletedAt = CompletedAt,
        DeadlineAt = DeadlineAt, TotalSteps = TotalSteps, AwaitsWorkflowSlot = AwaitsWorkflowSlot,
    };
}

public static class ExecutionStatusExtensions
{
    public static bool IsTerminal(this ExecutionStatus status) =>
        status is ExecutionStatus.Completed or ExecutionStatus.Failed or ExecutionStatus.Cancelled;

    /// <summary>The statuses of an execution holding one of the MAX_CONCURRENT_WORKFLOWS slots, if it is a top-level
    /// one and not a test: the relational stores build the one SQL form of the whole rule from it.</summary>
    public static bool HoldsSlot(this ExecutionStatus status) =>
        status is ExecutionStatus.Running or ExecutionStatus.Waiting or ExecutionStatus.Paused;

    /// <summary>Every step run records the status after it: constants, not an enum name lowered on each call.</summary>
    public static string ToWire(this ExecutionStatus status) => status switch
    {
        ExecutionStatus.Pending => "pending",
        ExecutionStatus.Running => "running",
        ExecutionStatus.Waiting => "waiting",
        ExecutionStatus.Paused => "paused",
        ExecutionStatus.Completed => "completed",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Cancelled => "cancelled",
        ExecutionStatus.Created => "created",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static bool TryParseWire(string? text, out ExecutionStatus status) =>
        Enum.TryParse(text, ignoreCase: true, out status) && !int.TryParse(text, out _);
}
