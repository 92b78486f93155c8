using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The work queue: due items are leased by bumping their fence, and only the holder of the current
/// fence may complete them.</summary>
internal sealed partial class SqliteEngineTransaction
{
    private const string ItemColumns = "id, tenant_id, execution_id, step_id, kind, attempt, due_at, held, suspended, payload, fence";

    public async Task<long> InsertWorkItemAsync(WorkItem item)
    {
        var cmd = Command(
                "INSERT INTO work_items (tenant_id, execution_id, step_id, kind, attempt, due_at, held, suspended, payload, fence, lease_owner, lease_expires_at) " +
                "VALUES ($tenant, $execution, $step, $kind, $attempt, $due, $held, $suspended, $payload, $fence, $owner, $expires) RETURNING id")
            .With("$tenant", item.Tenant).With("$execution", item.ExecutionId).With("$step", item.StepId)
            .With("$kind", item.Kind.ToString().ToLowerInvariant()).With("$attempt", item.Attempt).With("$due", item.DueAt)
            .With("$held", item.Held).With("$suspended", item.Suspended).With("$payload", item.Payload)
            .With("$fence", item.Fence).With("$owner", item.LeaseOwner).With("$expires", item.LeaseExpiresAt);
        return (long)(await cmd.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    public async Task<bool> CompleteWorkItemAsync(long id, long fence) =>
        await ExecuteAsync(Command("DELETE FROM work_items WHERE id = $id AND fence = $fence").With("$id", id).With("$fence", fence)).ConfigureAwait(false) > 0;

    public Task DeleteWorkItemsAsync(TenantId tenant, Guid executionId) =>
        ExecuteAsync(Command("DELETE FROM work_items WHERE execution_id = $execution AND tenant_id = $tenant").With("$execution", executionId).With("$tenant", tenant));

    public Task SetSuspendedAsync(TenantId tenant, Guid executionId, bool suspended) =>
        ExecuteAsync(Command("UPDATE work_items SET suspended = $suspended WHERE execution_id = $execution AND tenant_id = $tenant")
            .With("$suspended", suspended).With("$execution", executionId).With("$tenant", tenant));

    public async Task<bool> ReleaseHeldAsync(TenantId tenant, Guid executionId) =>
        await ExecuteAsync(Command(
                "UPDATE work_items SET held = 0 WHERE id = (SELECT id FROM work_items WHERE execution_id = $execution AND tenant_id = $tenant AND held = 1 ORDER BY id LIMIT 1)")
            .With("$execution", executionId).With("$tenant", tenant)).ConfigureAwait(false) > 0;

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease)
    {
        var cmd = Command(
                "UPDATE work_items SET lease_owner = $owner, lease_expires_at = $expires, fence = fence + 1 " +
                "WHERE id IN (SELECT id FROM work_items WHERE held = 0 AND suspended = 0 AND due_at <= $now " +
                "AND (lease_expires_at IS NULL OR lease_expires_at < $now) ORDER BY due_at LIMIT $max) " +
                $"RETURNING {ItemColumns}")
            .With("$owner", owner).With("$expires", now + lease).With("$now", now).With("$max", max);
        var items = new List<WorkItem>();
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        while (await r.ReadAsync().ConfigureAwait(false))
            items.Add(ReadClaimed(r));
        // RETURNING yields rows in the order the UPDATE visits them (rowid), not the subquery's ORDER BY.
        items.Sort((a, b) => a.DueAt != b.DueAt ? a.DueAt.CompareTo(b.DueAt) : a.Id.CompareTo(b.Id));
        return items;
    }

    /// <summary>A row this claim leased; one it cannot read (a payload it cannot parse) comes back marked as such,
    /// so that it fails alone instead of failing every claim that reaches it.</summary>
    private static WorkItem ReadClaimed(SqliteDataReader r)
    {
        try
        {
            return new WorkItem
            {
                Id = r.Long("id"),
                Tenant = new TenantId(r.Text("tenant_id")!),
                ExecutionId = r.Id("execution_id"),
                StepId = r.Text("step_id")!,
                Kind = Enum.Parse<WorkItemKind>(r.Text("kind")!, ignoreCase: true),
                Attempt = (int)r.Long("attempt"),
                DueAt = r.Time("due_at"),
                Held = r.Long("held") != 0,
                Suspended = r.Long("suspended") != 0,
                Payload = r.Json("payload")?.AsObject(),
                Fence = r.Long("fence"),
            };
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return WorkItem.Unreadable(r.Long("id"), new TenantId(r.Text("tenant_id")!), r.Id("execution_id"), r.Text("step_id")!, r.Long("fence"), ex);
        }
    }

    public async Task<bool> ExtendLeaseAsync(long id, long fence, DateTimeOffset until) =>
        await ExecuteAsync(Command("UPDATE work_items SET lease_expires_at = $until WHERE id = $id AND fence = $fence")
            .With("$until", until).With("$id", id).With("$fence", fence)).ConfigureAwait(false) > 0;

    public async Task<DateTimeOffset?> NextDueAsync()
    {
        var cmd = Command(
            "SELECT MIN(CASE WHEN lease_expires_at IS NULL THEN due_at ELSE MAX(due_at, lease_expires_at) END) FROM work_items WHERE held = 0 AND suspended = 0");
        var value = await cmd.ExecuteScalarAsync().ConfigureAwait(false);
        return value is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public Task ReleaseLeasesNotOwnedByAsync(string owner) =>
        ExecuteAsync(Command("UPDATE work_items SET lease_expires_at = NULL, fence = fence + 1 WHERE lease_owner IS NOT NULL AND lease_owner <> $owner")
            .With("$owner", owner));
}
