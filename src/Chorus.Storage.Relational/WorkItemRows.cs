using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The work queue: due items are leased by bumping their fence, and only the holder of the current
/// fence may complete or extend them. The table keeps one target column pair for every kind: a fire item's
/// schedule id goes in execution_id, and an item of a whole execution has step_id "".</summary>
internal sealed class WorkItemRows(SqlDialect d)
{
    private const string InsertColumns = "tenant_id, execution_id, step_id, kind, attempt, due_at, held, suspended, payload, fence, lease_owner, lease_expires_at";

    private const string ClaimedColumns = "id, tenant_id, execution_id, step_id, kind, attempt, due_at, held, suspended, payload, fence, lease_owner, lease_expires_at";

    private const string Values = "@tenant, @execution, @step, @kind, @attempt, @due, @held, @suspended, @payload, @fence, @owner, @expires";

    /// <summary>The insert where the table hands out the id.</summary>
    public string InsertReturningId { get; } = d.Sql($"INSERT INTO {d.Table("work_items")} ({InsertColumns}) VALUES ({Values}) RETURNING id");

    /// <summary>The insert of an id taken in advance, so that nobody waits for the statement's answer.</summary>
    public string InsertWithId { get; } = d.Sql($"INSERT INTO {d.Table("work_items")} (id, {InsertColumns}) VALUES (@id, {Values})");

    public Statement Insert(WorkItem item, string sql) => new Statement(sql)
        .With("@tenant", item.Tenant).With("@execution", item.ScheduleId ?? item.ExecutionId)
        .With("@step", item.StepId ?? "").With("@kind", item.Kind.ToString().ToLowerInvariant()).With("@attempt", item.Attempt)
        .With("@due", item.DueAt).With("@held", item.Held).With("@suspended", item.Suspended).With("@payload", item.Payload)
        .With("@fence", item.Fence).With("@owner", item.LeaseOwner).With("@expires", item.LeaseExpiresAt);

    private readonly string _complete = d.Sql($"DELETE FROM {d.Table("work_items")} WHERE id = @id AND fence = @fence");

    public Statement Complete(long id, long fence) => new Statement(_complete).With("@id", id).With("@fence", fence);

    private readonly string _deleteOf = d.Sql($"DELETE FROM {d.Table("work_items")} WHERE execution_id = @execution AND tenant_id = @tenant");

    public Statement DeleteOf(TenantId tenant, Guid executionId) => new Statement(_deleteOf).With("@execution", executionId).With("@tenant", tenant);

    private readonly string _setSuspended =
        d.Sql($"UPDATE {d.Table("work_items")} SET suspended = @suspended WHERE execution_id = @execution AND tenant_id = @tenant");

    public Statement SetSuspended(TenantId tenant, Guid executionId, bool suspended) =>
        new Statement(_setSuspended).With("@suspended", suspended).With("@execution", executionId).With("@tenant", tenant);

    private readonly string _releaseHeld = d.Sql($"UPDATE {d.Table("work_items")} SET held = FALSE WHERE id = (SELECT id FROM {d.Table("work_items")} " +
        $"WHERE execution_id = @execution AND tenant_id = @tenant AND {d.IsTrue("held")} ORDER BY id LIMIT 1{d.ForUpdate})");

    public Statement ReleaseHeld(TenantId tenant, Guid executionId) => new Statement(_releaseHeld).With("@execution", executionId).With("@tenant", tenant);

    private readonly string _claim = d.Sql($"UPDATE {d.Table("work_items")} SET lease_owner = @owner, lease_expires_at = @expires, fence = fence + 1 " +
        $"WHERE id IN (SELECT id FROM {d.Table("work_items")} WHERE {d.IsFalse("held")} AND {d.IsFalse("suspended")} AND due_at <= @now " +
        $"AND (lease_expires_at IS NULL OR lease_expires_at < @now) ORDER BY due_at LIMIT @max{d.ForUpdateSkipLocked}) RETURNING {ClaimedColumns}");

    /// <summary>SKIP LOCKED where several nodes claim: each gets different rows instead of one waiting for the other.</summary>
    public Statement Claim(string owner, int max, DateTimeOffset now, TimeSpan lease) =>
        new Statement(_claim).With("@owner", owner).With("@expires", now + lease).With("@now", now).With("@max", max);

    private readonly string _extendLease = d.Sql($"UPDATE {d.Table("work_items")} SET lease_expires_at = @until WHERE id = @id AND fence = @fence");

    public Statement ExtendLease(long id, long fence, DateTimeOffset until) => new Statement(_extendLease).With("@until", until).With("@id", id).With("@fence", fence);

    private readonly string _nextDue = $"SELECT MIN(CASE WHEN lease_expires_at IS NULL OR lease_expires_at < due_at THEN due_at " +
        $"ELSE lease_expires_at END) FROM {d.Table("work_items")} WHERE {d.IsFalse("held")} AND {d.IsFalse("suspended")}";

    /// <summary>When the next item falls due: its due time, or the end of its lease if that is later.</summary>
    public Statement NextDue() => new(_nextDue);

    private readonly string _queueSample = d.Sql($"SELECT COUNT(*), MIN(due_at) FROM (SELECT due_at FROM {d.Table("work_items")} " +
        $"WHERE {d.IsFalse("held")} AND {d.IsFalse("suspended")} AND due_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at < @now) " +
        $"ORDER BY due_at LIMIT {QueueSampleCap}) due");

    /// <summary>A sample counts at most this many items, so a huge backlog costs a bounded read (the gauge shows the cap).</summary>
    public const int QueueSampleCap = 100_000;

    /// <summary>How many items are due and unleased, and the due time of the oldest (for the queue gauges).</summary>
    public Statement QueueSample(DateTimeOffset now) => new Statement(_queueSample).With("@now", now);

    private readonly string _ofExecution = d.Sql($"SELECT {ClaimedColumns} FROM {d.Table("work_items")} " +
        "WHERE execution_id = @execution AND tenant_id = @tenant ORDER BY due_at, id");

    public Statement OfExecution(TenantId tenant, Guid executionId) => new Statement(_ofExecution).With("@execution", executionId).With("@tenant", tenant);

    private readonly string _reschedule = d.Sql($"UPDATE {d.Table("work_items")} SET due_at = @due WHERE id = @id AND fence = @fence");

    public Statement Reschedule(long id, long fence, DateTimeOffset due) => new Statement(_reschedule).With("@due", due).With("@id", id).With("@fence", fence);

    private readonly string _releaseLeases =
        d.Sql($"UPDATE {d.Table("work_items")} SET lease_expires_at = NULL, fence = fence + 1 WHERE lease_owner IS NOT NULL AND lease_owner <> @owner");

    public Statement ReleaseLeasesNotOwnedBy(string owner) => new Statement(_releaseLeases).With("@owner", owner);

    /// <summary>RETURNING yields rows in the order the UPDATE visits them, not the subquery's ORDER BY.</summary>
    public static List<WorkItem> InClaimOrder(List<WorkItem> items)
    {
        items.Sort((a, b) => a.DueAt != b.DueAt ? a.DueAt.CompareTo(b.DueAt) : a.Id.CompareTo(b.Id));
        return items;
    }

    /// <summary>A row a claim leased; one it cannot read (a payload it cannot parse) comes back marked as such, so
    /// that it fails alone instead of failing every claim that reaches it.</summary>
    public static WorkItem MapClaimed(DbDataReader r)
    {
        try
        {
            return Map(r);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return WorkItem.Unreadable(r.Long("id"), new TenantId(r.Text("tenant_id")!), r.Id("execution_id"), StepOf(r), r.Long("fence"), ex);
        }
    }

    private static WorkItem Map(DbDataReader r)
    {
        var kind = Enum.Parse<WorkItemKind>(r.Text("kind")!, ignoreCase: true);
        var target = r.Id("execution_id");
        var fire = kind == WorkItemKind.Fire;
        return new WorkItem
        {
            Id = r.Long("id"),
            Tenant = new TenantId(r.Text("tenant_id")!),
            // A fire item's columns also come back as they were written (execution_id its schedule's id, step_id ""),
            // as the compliance suite pins; the engine reads a fire item's target from ScheduleId only.
            ExecutionId = target,
            ScheduleId = fire ? target : null,
            StepId = fire ? r.Text("step_id") : StepOf(r),
            Kind = kind,
            Attempt = r.Int("attempt"),
            DueAt = r.Time("due_at"),
            Held = r.Bool("held"),
            Suspended = r.Bool("suspended"),
            Payload = r.Json("payload")?.AsObject(),
            Fence = r.Long("fence"),
            LeaseOwner = r.Text("lease_owner"),
            LeaseExpiresAt = r.OptionalTime("lease_expires_at"),
        };
    }

    private static string? StepOf(DbDataReader r) => r.Text("step_id") is { Length: > 0 } step ? step : null;
}
