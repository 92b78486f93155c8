using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>The work queue shared by every node: due items are leased by bumping their fence, claims skip rows
/// another node is claiming, and only the holder of the current fence may complete or extend an item.</summary>
internal sealed partial class PostgresEngineTransaction
{
    private const string ItemColumns = "id, tenant_id, execution_id, step_id, kind, attempt, due_at, held, suspended, payload, fence, lease_owner, lease_expires_at";

    public async Task<long> InsertWorkItemAsync(WorkItem item)
    {
        var id = await _ids.WorkItems.NextAsync(_pipeline).ConfigureAwait(false);
        _pipeline.Queue(Statement(
                "INSERT INTO workflow.work_items (id, tenant_id, execution_id, step_id, kind, attempt, due_at, held, suspended, payload, fence, lease_owner, lease_expires_at) " +
                "VALUES (@id, @tenant, @execution, @step, @kind, @attempt, @due, @held, @suspended, @payload, @fence, @owner, @expires)")
            .With("@id", id).With("@tenant", item.Tenant).With("@execution", item.ExecutionId).With("@step", item.StepId)
            .With("@kind", item.Kind.ToString().ToLowerInvariant()).With("@attempt", item.Attempt).With("@due", item.DueAt)
            .With("@held", item.Held).With("@suspended", item.Suspended).WithJson("@payload", item.Payload?.ToJsonString())
            .With("@fence", item.Fence).With("@owner", item.LeaseOwner).With("@expires", item.LeaseExpiresAt));
        return id;
    }

    public async Task<bool> CompleteWorkItemAsync(long id, long fence) => await _pipeline.ExecuteAsync(CompleteStatement(id, fence)).ConfigureAwait(false) > 0;

    public async Task<ExecutionRecord?> CompleteWorkItemAndGetExecutionAsync(WorkItem item)
    {
        // One round trip for the two: the fenced delete goes to the server together with the read.
        var complete = CompleteStatement(item.Id, item.Fence);
        _pipeline.Queue(complete);
        var execution = await GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false);
        return complete.RecordsAffected > 0 ? execution : null;
    }

    private static NpgsqlBatchCommand CompleteStatement(long id, long fence) =>
        Statement("DELETE FROM workflow.work_items WHERE id = @id AND fence = @fence").With("@id", id).With("@fence", fence);

    public Task DeleteWorkItemsAsync(TenantId tenant, Guid executionId)
    {
        _pipeline.Queue(Statement("DELETE FROM workflow.work_items WHERE execution_id = @execution AND tenant_id = @tenant")
            .With("@execution", executionId).With("@tenant", tenant));
        return Task.CompletedTask;
    }

    public Task SetSuspendedAsync(TenantId tenant, Guid executionId, bool suspended)
    {
        _pipeline.Queue(Statement("UPDATE workflow.work_items SET suspended = @suspended WHERE execution_id = @execution AND tenant_id = @tenant")
            .With("@suspended", suspended).With("@execution", executionId).With("@tenant", tenant));
        return Task.CompletedTask;
    }

    public async Task<bool> ReleaseHeldAsync(TenantId tenant, Guid executionId) =>
        await _pipeline.ExecuteAsync(Statement(
                "UPDATE workflow.work_items SET held = false WHERE id = (SELECT id FROM workflow.work_items " +
                "WHERE execution_id = @execution AND tenant_id = @tenant AND held ORDER BY id LIMIT 1 FOR UPDATE)")
            .With("@execution", executionId).With("@tenant", tenant)).ConfigureAwait(false) > 0;

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease)
    {
        // SKIP LOCKED: two nodes claiming at once each get different rows instead of one waiting for the other.
        var items = await _pipeline.QueryAsync(Statement(
                "UPDATE workflow.work_items SET lease_owner = @owner, lease_expires_at = @expires, fence = fence + 1 " +
                "WHERE id IN (SELECT id FROM workflow.work_items WHERE NOT held AND NOT suspended AND due_at <= @now " +
                "AND (lease_expires_at IS NULL OR lease_expires_at < @now) ORDER BY due_at LIMIT @max FOR UPDATE SKIP LOCKED) " +
                $"RETURNING {ItemColumns}")
            .With("@owner", owner).With("@expires", now + lease).With("@now", now).With("@max", max), Map).ConfigureAwait(false);
        // RETURNING yields rows in the order the UPDATE visits them, not the subquery's ORDER BY.
        items.Sort((a, b) => a.DueAt != b.DueAt ? a.DueAt.CompareTo(b.DueAt) : a.Id.CompareTo(b.Id));
        return items;
    }

    public async Task<bool> ExtendLeaseAsync(long id, long fence, DateTimeOffset until) =>
        await _pipeline.ExecuteAsync(Statement("UPDATE workflow.work_items SET lease_expires_at = @until WHERE id = @id AND fence = @fence")
            .With("@until", until).With("@id", id).With("@fence", fence)).ConfigureAwait(false) > 0;

    public async Task<DateTimeOffset?> NextDueAsync()
    {
        // GREATEST ignores NULL, so an unleased item's due time is its due_at: the same as SQLite's CASE.
        var value = await ScalarAsync(Statement("SELECT MIN(GREATEST(due_at, lease_expires_at)) FROM workflow.work_items WHERE NOT held AND NOT suspended"))
            .ConfigureAwait(false);
        return value switch
        {
            DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
            DateTimeOffset d => d,
            _ => null,
        };
    }

    public Task ReleaseLeasesNotOwnedByAsync(string owner)
    {
        _pipeline.Queue(Statement("UPDATE workflow.work_items SET lease_expires_at = NULL, fence = fence + 1 WHERE lease_owner IS NOT NULL AND lease_owner <> @owner")
            .With("@owner", owner));
        return Task.CompletedTask;
    }

    /// <summary>A row a claim leased; one it cannot read (a payload it cannot parse) comes back marked as such, so
    /// that it fails alone instead of failing every claim that reaches it.</summary>
    private static WorkItem Map(NpgsqlDataReader r)
    {
        try
        {
            return MapReadable(r);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return WorkItem.Unreadable(r.Long("id"), new TenantId(r.Text("tenant_id")!), r.Id("execution_id"), r.Text("step_id")!, r.Long("fence"), ex);
        }
    }

    private static WorkItem MapReadable(NpgsqlDataReader r) => new()
    {
        Id = r.Long("id"),
        Tenant = new TenantId(r.Text("tenant_id")!),
        ExecutionId = r.Id("execution_id"),
        StepId = r.Text("step_id")!,
        Kind = Enum.Parse<WorkItemKind>(r.Text("kind")!, ignoreCase: true),
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
