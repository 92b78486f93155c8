using System.Globalization;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>The engine's writes on one pooled connection, inside one transaction. Writes nobody waits for are
/// queued in the <see cref="Pipeline"/> and reach the server with the next read or the commit; what another
/// node must see, it sees only after the commit anyway. (IEngineTransaction again: its default members, the
/// announcements and the completion with the read, are this class's own.)</summary>
internal sealed class PostgresEngineTransaction(NpgsqlConnection connection, EngineIds ids, string origin)
    : RelationalTransaction(PostgresDialect.Statements), IEngineTransaction
{
    private readonly Pipeline _pipeline = new(connection);
    private readonly AppendOnlyRows _appendOnly = new();
    private bool _committed;

    // The savepoint of the operation running now. While its SAVEPOINT statement is still queued, rolling back
    // is only forgetting what was queued after it: the server never saw any of it.
    private string? _savepoint;
    private long _savepointPosition;
    private bool _savepointDropped;

    private static NpgsqlBatchCommand Raw(string sql) => new(sql);

    protected override Task WriteAsync(Statement statement)
    {
        _pipeline.Queue(PostgresDialect.Batch(statement));
        return Task.CompletedTask;
    }

    protected override Task<int> ExecuteAsync(Statement statement) => _pipeline.ExecuteAsync(PostgresDialect.Batch(statement));

    protected override Task<List<T>> QueryAsync<T>(Statement statement, Func<System.Data.Common.DbDataReader, T> map) =>
        _pipeline.QueryAsync(PostgresDialect.Batch(statement), map);

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
            Notify(PostgresStore.EventChannel, origin + ":" + string.Join(',', chunk.Select(id => id.ToString(CultureInfo.InvariantCulture))));
        return Task.CompletedTask;
    }

    private void Notify(string channel, string payload) => _pipeline.Queue(Raw($"NOTIFY {channel}, '{payload}'"));

    public override Task SavepointAsync(string name)
    {
        _savepoint = name;
        _savepointPosition = _pipeline.Position;
        _savepointDropped = false;
        _pipeline.Queue(Raw($"SAVEPOINT {name}"));
        return Task.CompletedTask;
    }

    public override Task RollbackToSavepointAsync(string name)
    {
        if (name != _savepoint)
            throw new InvalidOperationException($"Only the latest savepoint ({_savepoint}) can be rolled back to, not {name}.");
        _appendOnly.DropAfter(_savepointPosition);
        _savepointDropped = _pipeline.TryDropFrom(_savepointPosition);
        if (!_savepointDropped)
            _pipeline.Queue(Raw($"ROLLBACK TO SAVEPOINT {name}"));
        return Task.CompletedTask;
    }

    public override Task ReleaseSavepointAsync(string name)
    {
        if (!_savepointDropped)
            _pipeline.Queue(Raw($"RELEASE SAVEPOINT {name}"));
        _savepoint = null;
        return Task.CompletedTask;
    }

    public override async Task CommitAsync()
    {
        foreach (var insert in _appendOnly.TakeStatements())
            _pipeline.Queue(insert);
        _pipeline.Queue(Raw("COMMIT"));
        await _pipeline.FlushAsync().ConfigureAwait(false);
        _committed = true;
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            // An uncommitted transaction is rolled back before the connection returns to the pool.
            if (!_committed && _pipeline.AnySent && connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is not given back to the pool; its transaction died with it.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static ExecutionRows Executions => PostgresDialect.Statements.Executions;

    /// <summary>Triggers append each change of a tenant's count of slot holders to slot_holder_changes (migration
    /// slot_holder_counts): the counts are their sums. The rows and tenants counted tell when to fold them.</summary>
    internal const string CountSlotHoldersSql =
        "SELECT COALESCE(SUM(holders), 0), COALESCE(SUM(holders) FILTER (WHERE tenant_id = @tenant), 0), COUNT(*), COUNT(DISTINCT tenant_id) " +
        "FROM workflow.slot_holder_changes";

    /// <summary>Replaces the changes with one row per tenant holding slots. Runs under the admission lock, so no
    /// other fold runs beside it; changes that transactions commit meanwhile are not seen by the DELETE and stay.</summary>
    internal const string FoldSlotHolderChangesSql =
        "WITH folded AS (DELETE FROM workflow.slot_holder_changes RETURNING tenant_id, holders) " +
        "INSERT INTO workflow.slot_holder_changes (tenant_id, holders) SELECT tenant_id, SUM(holders) FROM folded GROUP BY tenant_id HAVING SUM(holders) <> 0";

    /// <summary>How many rows of changes beyond one per tenant a count reads before it folds them: a fold costs a
    /// write per row, so folding at every start would cost more than the reads it saves.</summary>
    internal const int UnfoldedChangesAllowed = 200;

    /// <summary>The oldest pending execution of a tenant under its cap, found in two ways so that neither a long
    /// queue of one tenant nor many tenants makes it dear: first among the oldest pending executions (the head of
    /// the queue: when one of them may start, the oldest such is the answer), else the oldest of each queued
    /// tenant under its cap, one index seek per queued tenant (a loose index scan); the second part runs only when
    /// the first finds nothing. The candidate is then locked like <see cref="GetExecutionAsync"/>, skipping it if
    /// another transaction holds it (another node admitting or cancelling it): the row answers the candidate's id
    /// with empty columns, and the next look passes over it (@skipped).</summary>
    internal static readonly string OldestAdmissiblePendingSql =
        "WITH RECURSIVE " +
        "full_tenants AS (SELECT tenant_id FROM workflow.slot_holder_changes GROUP BY tenant_id HAVING SUM(holders) >= COALESCE((@caps::jsonb ->> tenant_id)::int, @cap)), " +
        $"head AS (SELECT tenant_id, id, created_at FROM workflow.instances WHERE {Executions.InAdmissionQueue()} AND id <> ALL(@skipped) " +
        $"  ORDER BY created_at, id LIMIT {AdmissionQueueHead.ToString(CultureInfo.InvariantCulture)}), " +
        "queued_tenants(t) AS (" +
        $"  (SELECT tenant_id FROM workflow.instances WHERE {Executions.InAdmissionQueue()} ORDER BY tenant_id LIMIT 1) " +
        "  UNION ALL " +
        $"  SELECT (SELECT i.tenant_id FROM workflow.instances i WHERE {Executions.InAdmissionQueue("i.")} AND i.tenant_id > queued_tenants.t ORDER BY i.tenant_id LIMIT 1) " +
        "  FROM queued_tenants WHERE queued_tenants.t IS NOT NULL), " +
        "candidate AS (SELECT tenant_id, id FROM (" +
        "  (SELECT tenant_id, id FROM head WHERE tenant_id NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY created_at, id LIMIT 1) " +
        "  UNION ALL " +
        "  (SELECT h.tenant_id, h.id FROM queued_tenants CROSS JOIN LATERAL (" +
        "      SELECT i.tenant_id, i.id, i.created_at FROM workflow.instances i " +
        $"      WHERE {Executions.InAdmissionQueue("i.")} AND i.tenant_id = queued_tenants.t AND i.id <> ALL(@skipped) ORDER BY i.created_at, i.id LIMIT 1) h " +
        "    WHERE queued_tenants.t IS NOT NULL AND queued_tenants.t NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY h.created_at, h.id LIMIT 1)" +
        ") c LIMIT 1) " +
        "SELECT candidate.id AS candidate_id, locked.* FROM candidate LEFT JOIN LATERAL (" +
        $"  {Executions.Select} x WHERE x.tenant_id = candidate.tenant_id AND x.id = candidate.id AND {Executions.InAdmissionQueue("x.")} " +
        "  FOR UPDATE SKIP LOCKED) locked ON true";

    /// <summary>How many of the oldest pending executions admission looks at before it looks tenant by tenant.</summary>
    internal const int AdmissionQueueHead = 256;

    /// <summary>Candidates held by other transactions that one look passes over before it gives up: the
    /// transaction holding them is admitting, and it admits while slots are free.</summary>
    private const int MaxSkippedCandidates = 8;

    /// <summary>Takes the admission lock first: it serialises the decisions to admit an execution across commit lanes
    /// and nodes until this transaction ends, and the count, a statement of its own, sees what the previous
    /// holder committed. Without it two transactions each counted a free slot and both filled it. (A DO block,
    /// because a queued statement must not return rows.) When the changes read hold many rows per tenant, a fold
    /// is queued to go with the transaction's next round trip.</summary>
    public override async Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant)
    {
        _pipeline.Queue(Raw($"DO $$ BEGIN PERFORM pg_advisory_xact_lock({AdmissionLockKey}); END $$"));
        var rows = await QueryAsync(new Statement(CountSlotHoldersSql).With("@tenant", tenant),
            r => (Counts: new SlotHolders(Columns.Int(r.GetValue(0)), Columns.Int(r.GetValue(1))), Rows: Columns.Int(r.GetValue(2)), Tenants: Columns.Int(r.GetValue(3))))
            .ConfigureAwait(false);
        var (counts, changes, tenants) = rows[0];
        if (changes > tenants + UnfoldedChangesAllowed)
            _pipeline.Queue(Raw(FoldSlotHolderChangesSql));
        return counts;
    }

    /// <summary>Takes the admission lock first, as <see cref="CountSlotHoldersAsync"/> does, so that two transactions
    /// cannot each count a free slot of the workflow and both fill it.</summary>
    public override Task<int> CountWorkflowSlotHoldersAsync(TenantId tenant, Guid workflowId)
    {
        _pipeline.Queue(Raw($"DO $$ BEGIN PERFORM pg_advisory_xact_lock({AdmissionLockKey}); END $$"));
        return base.CountWorkflowSlotHoldersAsync(tenant, workflowId);
    }

    // Any constant works as long as every node uses the same one; the migrations use another.
    private const long AdmissionLockKey = 0x43686f7275734164; // "ChorusAd"

    /// <summary>Locks the row like <see cref="GetExecutionAsync"/>, skipping one another node is admitting: without
    /// the lock two nodes admitted the same pending execution and each scheduled its first steps. It runs before
    /// this transaction holds the admission lock (when nothing is pending, admission takes no lock at all), so the
    /// tenants at their cap it passed over may be out of date: the engine counts again under the lock and looks
    /// again if the chosen tenant has reached its cap meanwhile.</summary>
    public override async Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(TenantSlotCaps caps)
    {
        var skipped = new List<Guid>();
        while (skipped.Count <= MaxSkippedCandidates)
        {
            var rows = await QueryAsync(new Statement(OldestAdmissiblePendingSql).With("@cap", caps.Default).With("@caps", caps.Exceptions).With("@skipped", skipped.ToArray()),
                r => (Candidate: r.GetGuid(0), Locked: r.IsDBNull(1) ? null : ExecutionRows.Map(r))).ConfigureAwait(false);
            if (rows.Count == 0)
                return null;
            if (rows[0].Locked is { } locked)
                return locked;
            skipped.Add(rows[0].Candidate);
        }
        return null;
    }

    public override Task SaveStepRunAsync(StepRunRecord run)
    {
        _appendOnly.Add(_pipeline.Position, run);
        return Task.CompletedTask;
    }

    public override Task InsertLogAsync(LogRecord log)
    {
        _appendOnly.Add(_pipeline.Position, log);
        return Task.CompletedTask;
    }

    public override async Task<long> InsertEventAsync(EventRecord evt)
    {
        var id = await ids.Events.NextAsync(_pipeline).ConfigureAwait(false);
        _appendOnly.Add(_pipeline.Position, id, evt);
        return id;
    }

    public override async Task<long> InsertWorkItemAsync(WorkItem item)
    {
        var id = await ids.WorkItems.NextAsync(_pipeline).ConfigureAwait(false);
        await WriteAsync(Sql.WorkItems.Insert(item, Sql.WorkItems.InsertWithId).With("@id", id)).ConfigureAwait(false);
        return id;
    }

    public async Task<ExecutionRecord?> CompleteWorkItemAndGetExecutionAsync(WorkItem item)
    {
        // One round trip for the two: the fenced delete goes to the server together with the read.
        var complete = PostgresDialect.Batch(Sql.WorkItems.Complete(item.Id, item.Fence));
        _pipeline.Queue(complete);
        var execution = await GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false);
        return complete.RecordsAffected > 0 ? execution : null;
    }
}
