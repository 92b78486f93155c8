using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

public enum WorkItemKind
{
    /// <summary>Run an attempt of a step's handler.</summary>
    Run,
    /// <summary>Finish a waiting step with the payload (a timer fired, an event or input arrived, a child ended).</summary>
    Resume,
    /// <summary>The execution's time limit: fail it with timeout if it is still going.</summary>
    Deadline,
    /// <summary>A schedule's next occurrence: start an execution. The item's target is <see cref="WorkItem.ScheduleId"/>.</summary>
    Fire,
    /// <summary>The execution ended and some of its descendants are still going: end them, a bounded number per
    /// transaction, so a tree of any size ends without one huge transaction.</summary>
    EndDescendants,
}

/// <summary>A unit of due work. A worker leases it; the fence grows with every lease, so a holder whose lease
/// expired and was taken over cannot commit.</summary>
public sealed record WorkItem
{
    public long Id { get; init; }
    public required TenantId Tenant { get; init; }
    public required WorkItemKind Kind { get; init; }
    /// <summary>The execution the item acts on. A fire item acts on none (it starts one): read its <see cref="ScheduleId"/>.</summary>
    public Guid ExecutionId { get; init; }
    /// <summary>The step a run or resume item acts on; null for an item of a whole execution (deadline, ending
    /// descendants) and for a fire item.</summary>
    public string? StepId { get; init; }
    /// <summary>The schedule a fire item fires; null for every other kind.</summary>
    public Guid? ScheduleId { get; init; }

    /// <summary>The step of a run or resume item, which always has one.</summary>
    public string Step => StepId ?? throw new InvalidOperationException($"A {Kind} work item has no step.");
    public int Attempt { get; init; } = 1;
    public required DateTimeOffset DueAt { get; init; }
    /// <summary>Manual mode: waits for an advance call.</summary>
    public bool Held { get; init; }
    /// <summary>The execution is paused.</summary>
    public bool Suspended { get; init; }
    public JsonObject? Payload { get; init; }
    public long Fence { get; init; }
    /// <summary>Set when the item is inserted already leased to the node that will run it next.</summary>
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    /// <summary>Set by a store that leased the row but could not read all of it (a payload it cannot parse): the
    /// worker then treats the item as failed, and one bad row cannot make every claim fail.</summary>
    public string? ReadError { get; init; }

    /// <summary>What a claim returns for a row it leased but could not read: the columns every row has, so the
    /// worker can charge the failure to the right execution.</summary>
    public static WorkItem Unreadable(long id, TenantId tenant, Guid executionId, string? stepId, long fence, Exception error) => new()
    {
        Id = id, Tenant = tenant, ExecutionId = executionId, StepId = stepId, Kind = WorkItemKind.Run, DueAt = DateTimeOffset.MinValue,
        Fence = fence, ReadError = $"{error.GetType().Name}: {error.Message}",
    };
}
