using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Storage;

public sealed record WorkflowRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required WorkflowStatus Status { get; init; }
    /// <summary>Number of the newest version (1, 2, ...); new executions pin it.</summary>
    public required int CurrentVersion { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An immutable saved definition. <see cref="Definition"/> is the JSON as the author sent it.</summary>
public sealed record WorkflowVersionRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid WorkflowId { get; init; }
    public required int Number { get; init; }
    public string? Label { get; init; }
    public required JsonObject Definition { get; init; }
    /// <summary>Hash of the canonical definition without status, to tell a changed save from a repeat.</summary>
    public required string Hash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who saved it: the subject of the request's credential; null when nobody was authenticated.</summary>
    public string? CreatedBy { get; init; }
}

public sealed record StepRunRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid ExecutionId { get; init; }
    public required string StepId { get; init; }
    public required string StepName { get; init; }
    public required string StepType { get; init; }
    public required int Attempt { get; init; }
    /// <summary>completed, failed, waiting, skipped.</summary>
    public required string Status { get; init; }
    public JsonNode? Input { get; init; }
    public JsonNode? Output { get; init; }
    public JsonObject? Error { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Where this save falls among its execution's step run saves (1, 2, ...): the order the engine committed
    /// them in, which start times cannot tell for parallel branches. Null for runs saved before it was recorded.</summary>
    public long? Sequence { get; init; }
    /// <summary>The values the step wrote into <c>$.variables</c>; null when it wrote none.</summary>
    public JsonObject? Variables { get; init; }
    /// <summary>Where the engine went on from this run when not to every successor: the successors a completed
    /// condition chose, or the <c>on_error</c> route a failed run took. Null otherwise.</summary>
    public JsonArray? Next { get; init; }
    /// <summary>The execution's status right after this save was committed (running, waiting, completed, failed ...).</summary>
    public string? StatusAfter { get; init; }
    public long? DurationMs => FinishedAt is { } f ? (long)(f - StartedAt).TotalMilliseconds : null;
}

public sealed record LogRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid ExecutionId { get; init; }
    public string? StepId { get; init; }
    public required string Level { get; init; }
    public required string Message { get; init; }
    public JsonNode? Data { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>An execution event written in the same transaction as the change it reports (the outbox).</summary>
public sealed record EventRecord
{
    public long Id { get; init; }
    public required TenantId Tenant { get; init; }
    public required string Type { get; init; }
    public Guid? ExecutionId { get; init; }
    public Guid? WorkflowId { get; init; }
    public required JsonObject Payload { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>An event sent to an execution before any step waited for it; a later wait consumes it.</summary>
public sealed record SignalRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid ExecutionId { get; init; }
    public required string Name { get; init; }
    public JsonNode? Data { get; init; }
    public required DateTimeOffset At { get; init; }
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>An <c>Idempotency-Key</c> a tenant sent with a start, and the execution that start created.
/// <see cref="RequestHash"/> covers the workflow and the request body.</summary>
public sealed record IdempotencyRecord
{
    public required TenantId Tenant { get; init; }
    public required string Key { get; init; }
    public required Guid WorkflowId { get; init; }
    public required string RequestHash { get; init; }
    public required Guid ExecutionId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
