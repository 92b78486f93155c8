using System.Globalization;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The engine's writes on the single writer connection, inside one transaction.</summary>
internal sealed partial class SqliteEngineTransaction(SqliteConnection connection, SqliteTransaction tx, WriterBuffers buffers) : IEngineTransaction
{
    private readonly Dictionary<string, (int, int, int)> _savepoints = [];
    private bool _committed;

    private SqliteCommand Command(string sql) => buffers.Commands.Get(sql, tx);

    private static Task<int> ExecuteAsync(SqliteCommand cmd) => cmd.ExecuteNonQueryAsync();

    public Task SavepointAsync(string name)
    {
        _savepoints[name] = buffers.Mark();
        return ExecuteAsync(Command($"SAVEPOINT {name}"));
    }

    public Task RollbackToSavepointAsync(string name)
    {
        buffers.RollBackTo(_savepoints[name]);
        return ExecuteAsync(Command($"ROLLBACK TO {name}"));
    }

    public Task ReleaseSavepointAsync(string name) => ExecuteAsync(Command($"RELEASE {name}"));

    public async Task CommitAsync()
    {
        await buffers.FlushAsync(tx).ConfigureAwait(false);
        await tx.CommitAsync().ConfigureAwait(false);
        _committed = true;
    }

    public ValueTask DisposeAsync()
    {
        if (!_committed)
            buffers.RollBackTo((0, 0, 0)); // nothing of an abandoned transaction may reach the next one
        return tx.DisposeAsync();
    }

    public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id)
    {
        var cmd = Command(ExecutionRows.Select).With("$tenant", tenant).With("$id", id);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        return await r.ReadAsync().ConfigureAwait(false) ? ExecutionRows.Map(r) : null;
    }

    public Task InsertExecutionAsync(ExecutionRecord execution) => ExecuteAsync(ExecutionRows.Bind(Command(ExecutionRows.Insert), execution));

    public Task UpdateExecutionAsync(ExecutionRecord execution) => ExecuteAsync(ExecutionRows.Bind(Command(ExecutionRows.Update), execution));

    /// <summary>Word for word the condition of the partial index ix_executions_slot_holders (migration
    /// tenant_admission): SQLite uses a partial index only for a query that repeats its condition.</summary>
    private const string HoldsASlot = "status IN ('running', 'waiting', 'paused') AND is_test = 0 AND parent_id IS NULL";

    // INDEXED BY: without statistics SQLite prefers the status index, which reads every slot holder's row (and
    // every pending one passed over); naming the partial indexes also makes a query that cannot use them an error.
    internal const string CountSlotHoldersSql =
        $"SELECT COUNT(*), COALESCE(SUM(tenant_id = $tenant), 0) FROM executions INDEXED BY ix_executions_slot_holders WHERE {HoldsASlot}";

    /// <summary>The oldest pending execution of a tenant under its cap, found in two ways so that neither a long
    /// queue of one tenant nor many tenants makes it dear: first among the oldest pending executions (the head of
    /// the queue: when one of them may start, the oldest such is the answer), else the oldest of each queued
    /// tenant under its cap, one index seek per queued tenant. The second part runs only when the first finds
    /// nothing, so a tenant at its cap with thousands queued costs the head and a seek, not its whole queue.</summary>
    internal static readonly string OldestAdmissiblePendingSql =
        "WITH RECURSIVE " +
        $"full_tenants AS (SELECT tenant_id FROM executions INDEXED BY ix_executions_slot_holders WHERE {HoldsASlot} " +
        "  GROUP BY tenant_id HAVING COUNT(*) >= $cap), " +
        "head AS (SELECT tenant_id, id, created_at FROM executions INDEXED BY ix_executions_pending WHERE status = 'pending' " +
        $"  ORDER BY created_at, id LIMIT {AdmissionQueueHead.ToString(CultureInfo.InvariantCulture)}), " +
        "queued_tenants(t) AS (" +
        "  SELECT * FROM (SELECT tenant_id FROM executions INDEXED BY ix_executions_pending_by_tenant WHERE status = 'pending' ORDER BY tenant_id LIMIT 1) " +
        "  UNION ALL " +
        "  SELECT (SELECT tenant_id FROM executions INDEXED BY ix_executions_pending_by_tenant WHERE status = 'pending' AND tenant_id > t " +
        "    ORDER BY tenant_id LIMIT 1) FROM queued_tenants WHERE t IS NOT NULL), " +
        "candidate AS (SELECT * FROM (" +
        "  SELECT * FROM (SELECT tenant_id, id FROM head WHERE tenant_id NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY created_at, id LIMIT 1) " +
        "  UNION ALL " +
        "  SELECT * FROM (SELECT p.tenant_id, p.id FROM queued_tenants JOIN executions p ON p.tenant_id = t AND p.id = " +
        "      (SELECT id FROM executions INDEXED BY ix_executions_pending_by_tenant WHERE status = 'pending' AND tenant_id = t ORDER BY created_at, id LIMIT 1) " +
        "    WHERE t IS NOT NULL AND t NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY p.created_at, p.id LIMIT 1)" +
        ") LIMIT 1) " +
        "SELECT e.* FROM candidate JOIN executions e ON e.tenant_id = candidate.tenant_id AND e.id = candidate.id";

    /// <summary>How many of the oldest pending executions admission looks at before it looks tenant by tenant.</summary>
    internal const int AdmissionQueueHead = 256;

    /// <summary>One pass over the slot holders' index gives both counts: no dearer than the global count alone.</summary>
    public async Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant)
    {
        var cmd = Command(CountSlotHoldersSql).With("$tenant", tenant);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        await r.ReadAsync().ConfigureAwait(false);
        return new SlotHolders(r.GetInt32(0), r.GetInt32(1));
    }

    /// <summary>Walks the pending executions oldest first, passing over those of tenants at their cap; the tenants
    /// at their cap come from the slot holders' index (at most MAX_CONCURRENT_WORKFLOWS entries), and the walk reads
    /// only the pending index until it finds one to admit.</summary>
    public async Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(int tenantCap)
    {
        var cmd = Command(OldestAdmissiblePendingSql).With("$cap", tenantCap);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        return await r.ReadAsync().ConfigureAwait(false) ? ExecutionRows.Map(r) : null;
    }

    public async Task<IReadOnlyList<Guid>> GetActiveChildrenAsync(TenantId tenant, Guid parentId)
    {
        var cmd = Command(
            "SELECT id FROM executions WHERE parent_id = $parent AND tenant_id = $tenant AND status NOT IN ('completed', 'failed', 'cancelled')")
            .With("$parent", parentId).With("$tenant", tenant);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        while (await r.ReadAsync().ConfigureAwait(false))
            ids.Add(r.Id("id"));
        return ids;
    }

    public Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id) => SqliteStore.ReadWorkflowAsync(connection, tx, tenant, id, CancellationToken.None);

    public Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number) =>
        SqliteStore.ReadVersionAsync(connection, tx, tenant, workflowId, number, CancellationToken.None);

    public Task SaveStepRunAsync(StepRunRecord run)
    {
        buffers.StepRuns.Add(run.Tenant, run.ExecutionId, run.StepId, run.Attempt, run.StepName, run.StepType, run.Status,
            run.Input, run.Output, run.Error, run.StartedAt, run.FinishedAt);
        return Task.CompletedTask;
    }

    public Task InsertLogAsync(LogRecord log)
    {
        buffers.Logs.Add(log.Tenant, log.ExecutionId, log.StepId, log.Level, log.Message, log.Data, log.At);
        return Task.CompletedTask;
    }

    public Task<long> InsertEventAsync(EventRecord evt)
    {
        var id = buffers.NextEventId();
        buffers.Events.Add(id, evt.Tenant, evt.Type, evt.ExecutionId, evt.WorkflowId, evt.Payload, evt.At);
        return Task.FromResult(id);
    }

    public Task InsertSignalAsync(SignalRecord signal) => ExecuteAsync(Command(
            "INSERT INTO signals (tenant_id, execution_id, name, data, at) VALUES ($tenant, $execution, $name, $data, $at)")
        .With("$tenant", signal.Tenant).With("$execution", signal.ExecutionId).With("$name", signal.Name).With("$data", signal.Data).With("$at", signal.At));

    public async Task<SignalRecord?> TakeSignalAsync(TenantId tenant, Guid executionId, string name)
    {
        var cmd = Command(
                "DELETE FROM signals WHERE id = (SELECT id FROM signals WHERE execution_id = $execution AND tenant_id = $tenant AND name = $name ORDER BY id LIMIT 1) " +
                "RETURNING data, at")
            .With("$execution", executionId).With("$tenant", tenant).With("$name", name);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await r.ReadAsync().ConfigureAwait(false))
            return null;
        return new SignalRecord { Tenant = tenant, ExecutionId = executionId, Name = name, Data = r.Json("data"), At = r.Time("at") };
    }
}
