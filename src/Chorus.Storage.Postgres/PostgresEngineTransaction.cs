using System.Globalization;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Chorus.Storage.Postgres;

/// <summary>The engine's writes on one pooled connection, inside one transaction. Writes nobody waits for are
/// queued in the <see cref="Pipeline"/> and reach the server with the next read or the commit; what another
/// node must see, it sees only after the commit anyway.</summary>
internal sealed partial class PostgresEngineTransaction : IEngineTransaction
{
    private readonly NpgsqlConnection _connection;
    private readonly EngineIds _ids;
    private readonly string _origin;
    private readonly Pipeline _pipeline;
    private bool _committed;

    public PostgresEngineTransaction(NpgsqlConnection connection, EngineIds ids, string origin)
    {
        _connection = connection;
        _ids = ids;
        _origin = origin;
        _pipeline = new Pipeline(connection);
        _pipeline.Queue(Statement("BEGIN"));
    }
    private readonly AppendOnlyRows _appendOnly = new();

    // The savepoint of the operation running now. While its SAVEPOINT statement is still queued, rolling back
    // is only forgetting what was queued after it: the server never saw any of it.
    private string? _savepoint;
    private long _savepointPosition;
    private bool _savepointDropped;

    private static NpgsqlBatchCommand Statement(string sql) => new(sql);

    // NOTIFY inside the transaction is delivered only if it commits. The payload is a literal rather than a
    // pg_notify() parameter because a queued statement must not return rows; it holds only hex digits, ':' and ','.
    public Task AnnounceWorkAsync(DateTimeOffset due)
    {
        Notify(PostgresStore.WorkChannel, due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }

    public Task AnnounceEventsAsync(IReadOnlyList<long> ids)
    {
        // A NOTIFY payload holds at most 8,000 bytes: a long batch of ids goes in several.
        foreach (var chunk in ids.Chunk(500))
            Notify(PostgresStore.EventChannel, _origin + ":" + string.Join(',', chunk.Select(id => id.ToString(CultureInfo.InvariantCulture))));
        return Task.CompletedTask;
    }

    private void Notify(string channel, string payload) => _pipeline.Queue(Statement($"NOTIFY {channel}, '{payload}'"));

    public Task SavepointAsync(string name)
    {
        _savepoint = name;
        _savepointPosition = _pipeline.Position;
        _savepointDropped = false;
        _pipeline.Queue(Statement($"SAVEPOINT {name}"));
        return Task.CompletedTask;
    }

    public Task RollbackToSavepointAsync(string name)
    {
        if (name != _savepoint)
            throw new InvalidOperationException($"Only the latest savepoint ({_savepoint}) can be rolled back to, not {name}.");
        _appendOnly.DropAfter(_savepointPosition);
        _savepointDropped = _pipeline.TryDropFrom(_savepointPosition);
        if (!_savepointDropped)
            _pipeline.Queue(Statement($"ROLLBACK TO SAVEPOINT {name}"));
        return Task.CompletedTask;
    }

    public Task ReleaseSavepointAsync(string name)
    {
        if (!_savepointDropped)
            _pipeline.Queue(Statement($"RELEASE SAVEPOINT {name}"));
        _savepoint = null;
        return Task.CompletedTask;
    }

    public async Task CommitAsync()
    {
        foreach (var insert in _appendOnly.TakeStatements())
            _pipeline.Queue(insert);
        _pipeline.Queue(Statement("COMMIT"));
        await _pipeline.FlushAsync().ConfigureAwait(false);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // An uncommitted transaction is rolled back before the connection returns to the pool.
            if (!_committed && _pipeline.AnySent && _connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", _connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is not given back to the pool; its transaction died with it.
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<T?> FirstOrDefaultAsync<T>(NpgsqlBatchCommand statement, Func<NpgsqlDataReader, T> map) where T : class =>
        (await _pipeline.QueryAsync(statement, map).ConfigureAwait(false)).FirstOrDefault();

    private async Task<object?> ScalarAsync(NpgsqlBatchCommand statement) =>
        (await _pipeline.QueryAsync(statement, r => r.IsDBNull(0) ? null : r.GetValue(0)).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Locks the row until the transaction ends: this is what serialises two nodes changing one execution.</summary>
    public Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id) =>
        FirstOrDefaultAsync(Statement($"{ExecutionRows.Select} WHERE tenant_id = @tenant AND id = @id FOR UPDATE")
            .With("@tenant", tenant).With("@id", id), ExecutionRows.Map);

    public Task InsertExecutionAsync(ExecutionRecord execution)
    {
        _pipeline.Queue(ExecutionRows.Bind(Statement(ExecutionRows.Insert), execution));
        return Task.CompletedTask;
    }

    public Task UpdateExecutionAsync(ExecutionRecord execution)
    {
        _pipeline.Queue(ExecutionRows.Bind(Statement(ExecutionRows.Update), execution));
        return Task.CompletedTask;
    }

    /// <summary>The condition of the partial index ix_instances_slot_holders_by_tenant (migration tenant_admission).</summary>
    private const string HoldsASlot = "status IN ('running', 'waiting', 'paused') AND NOT is_test AND parent_id IS NULL";

    internal const string CountSlotHoldersSql =
        $"SELECT COUNT(*), COUNT(*) FILTER (WHERE tenant_id = @tenant) FROM workflow.instances WHERE {HoldsASlot}";

    /// <summary>The oldest pending execution of a tenant under its cap, found in two ways so that neither a long
    /// queue of one tenant nor many tenants makes it dear: first among the oldest pending executions (the head of
    /// the queue: when one of them may start, the oldest such is the answer), else the oldest of each queued
    /// tenant under its cap, one index seek per queued tenant (a loose index scan); the second part runs only when
    /// the first finds nothing. The candidate is then locked like <see cref="GetExecutionAsync"/>, skipping it if
    /// another transaction holds it (another node admitting or cancelling it): the row answers the candidate's id
    /// with empty columns, and the next look passes over it (@skipped).</summary>
    internal static readonly string OldestAdmissiblePendingSql =
        "WITH RECURSIVE " +
        $"full_tenants AS (SELECT tenant_id FROM workflow.instances WHERE {HoldsASlot} GROUP BY tenant_id HAVING COUNT(*) >= @cap), " +
        "head AS (SELECT tenant_id, id, created_at FROM workflow.instances WHERE status = 'pending' AND id <> ALL(@skipped) " +
        $"  ORDER BY created_at, id LIMIT {AdmissionQueueHead.ToString(CultureInfo.InvariantCulture)}), " +
        "queued_tenants(t) AS (" +
        "  (SELECT tenant_id FROM workflow.instances WHERE status = 'pending' ORDER BY tenant_id LIMIT 1) " +
        "  UNION ALL " +
        "  SELECT (SELECT i.tenant_id FROM workflow.instances i WHERE i.status = 'pending' AND i.tenant_id > queued_tenants.t ORDER BY i.tenant_id LIMIT 1) " +
        "  FROM queued_tenants WHERE queued_tenants.t IS NOT NULL), " +
        "candidate AS (SELECT tenant_id, id FROM (" +
        "  (SELECT tenant_id, id FROM head WHERE tenant_id NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY created_at, id LIMIT 1) " +
        "  UNION ALL " +
        "  (SELECT h.tenant_id, h.id FROM queued_tenants CROSS JOIN LATERAL (" +
        "      SELECT i.tenant_id, i.id, i.created_at FROM workflow.instances i " +
        "      WHERE i.status = 'pending' AND i.tenant_id = queued_tenants.t AND i.id <> ALL(@skipped) ORDER BY i.created_at, i.id LIMIT 1) h " +
        "    WHERE queued_tenants.t IS NOT NULL AND queued_tenants.t NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY h.created_at, h.id LIMIT 1)" +
        ") c LIMIT 1) " +
        "SELECT candidate.id AS candidate_id, locked.* FROM candidate LEFT JOIN LATERAL (" +
        $"  {ExecutionRows.Select} x WHERE x.tenant_id = candidate.tenant_id AND x.id = candidate.id AND x.status = 'pending' " +
        "  FOR UPDATE SKIP LOCKED) locked ON true";

    /// <summary>How many of the oldest pending executions admission looks at before it looks tenant by tenant.</summary>
    internal const int AdmissionQueueHead = 256;

    /// <summary>Candidates held by other transactions that one look passes over before it gives up: the
    /// transaction holding them is admitting, and it admits while slots are free.</summary>
    private const int MaxSkippedCandidates = 8;

    /// <summary>Takes the admission lock first: it serialises the decisions to admit an execution across commit lanes
    /// and nodes until this transaction ends, and the count, a statement of its own, sees what the previous
    /// holder committed. Without it two transactions each counted a free slot and both filled it. (A DO block,
    /// because a queued statement must not return rows.) Both counts come from one pass over the slot holders'
    /// index, so counting the tenant's costs no round trip and no scan more than the global count did.</summary>
    public async Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant)
    {
        _pipeline.Queue(Statement($"DO $$ BEGIN PERFORM pg_advisory_xact_lock({AdmissionLockKey}); END $$"));
        var rows = await _pipeline.QueryAsync(Statement(CountSlotHoldersSql).With("@tenant", tenant),
            r => new SlotHolders(Pg.Int(r.GetValue(0)), Pg.Int(r.GetValue(1)))).ConfigureAwait(false);
        return rows[0];
    }

    // Any constant works as long as every node uses the same one; the migrations use another.
    private const long AdmissionLockKey = 0x43686f7275734164; // "ChorusAd"

    /// <summary>Locks the row like <see cref="GetExecutionAsync"/>, skipping one another node is admitting: without
    /// the lock two nodes admitted the same pending execution and each scheduled its first steps. It runs before
    /// this transaction holds the admission lock (when nothing is pending, admission takes no lock at all), so the
    /// tenants at their cap it passed over may be out of date: the engine counts again under the lock and looks
    /// again if the chosen tenant has reached its cap meanwhile.</summary>
    public async Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(int tenantCap)
    {
        var skipped = new List<Guid>();
        while (skipped.Count <= MaxSkippedCandidates)
        {
            var rows = await _pipeline.QueryAsync(
                Statement(OldestAdmissiblePendingSql).With("@cap", tenantCap).WithArray("@skipped", NpgsqlDbType.Uuid, skipped.ToArray()),
                r => (Candidate: r.GetGuid(0), Locked: r.IsDBNull(1) ? null : ExecutionRows.Map(r))).ConfigureAwait(false);
            if (rows.Count == 0)
                return null;
            if (rows[0].Locked is { } locked)
                return locked;
            skipped.Add(rows[0].Candidate);
        }
        return null;
    }

    public async Task<IReadOnlyList<Guid>> GetActiveChildrenAsync(TenantId tenant, Guid parentId) =>
        await _pipeline.QueryAsync(Statement("SELECT id FROM workflow.instances WHERE parent_id = @parent AND tenant_id = @tenant AND status NOT IN ('completed', 'failed', 'cancelled')")
            .With("@parent", parentId).With("@tenant", tenant), r => r.GetGuid(0)).ConfigureAwait(false);

    public Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id) =>
        FirstOrDefaultAsync(PostgresStore.SelectWorkflow(tenant, id), PostgresStore.MapWorkflow);

    public Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number) =>
        FirstOrDefaultAsync(PostgresStore.SelectVersion(tenant, workflowId, number), PostgresStore.MapVersion);

    public Task SaveStepRunAsync(StepRunRecord run)
    {
        _appendOnly.Add(_pipeline.Position, run);
        return Task.CompletedTask;
    }

    public Task InsertLogAsync(LogRecord log)
    {
        _appendOnly.Add(_pipeline.Position, log);
        return Task.CompletedTask;
    }

    public async Task<long> InsertEventAsync(EventRecord evt)
    {
        var id = await _ids.Events.NextAsync(_pipeline).ConfigureAwait(false);
        _appendOnly.Add(_pipeline.Position, id, evt);
        return id;
    }

    public Task InsertSignalAsync(SignalRecord signal)
    {
        _pipeline.Queue(Statement(
                "INSERT INTO workflow.signals (tenant_id, execution_id, name, data, at) VALUES (@tenant, @execution, @name, @data, @at)")
            .With("@tenant", signal.Tenant).With("@execution", signal.ExecutionId).With("@name", signal.Name)
            .WithJson("@data", signal.Data?.ToJsonString()).With("@at", signal.At));
        return Task.CompletedTask;
    }

    /// <summary>SKIP LOCKED: a signal another transaction is taking is left to it rather than waited for.</summary>
    public Task<SignalRecord?> TakeSignalAsync(TenantId tenant, Guid executionId, string name) => FirstOrDefaultAsync(Statement(
                "DELETE FROM workflow.signals WHERE id = (SELECT id FROM workflow.signals WHERE execution_id = @execution AND tenant_id = @tenant " +
                "AND name = @name ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING data, at")
            .With("@execution", executionId).With("@tenant", tenant).With("@name", name),
        r => new SignalRecord { Tenant = tenant, ExecutionId = executionId, Name = name, Data = r.Json("data"), At = r.Time("at") });
}
