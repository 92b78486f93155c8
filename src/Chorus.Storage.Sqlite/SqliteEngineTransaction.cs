using System.Data.Common;
using System.Globalization;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The engine's writes on the single writer connection, inside one transaction: each statement runs at
/// once, on a command prepared once; the append-only rows wait in the writer's buffers until the commit.</summary>
internal sealed class SqliteEngineTransaction(SqliteTransaction tx, WriterBuffers buffers)
    : RelationalTransaction(SqliteDialect.Statements)
{
    private readonly Dictionary<string, (int, int, int)> _savepoints = [];
    private bool _committed;

    // The executions changed since their last write, each written once before any other statement (see
    // UpdateExecutionAsync). SAVEPOINT and ROLLBACK TO are statements too: what an operation changed is written before
    // its savepoint is taken or rolled back to, so a rollback undoes exactly that operation's changes.
    private readonly Dictionary<(TenantId, Guid), ExecutionRecord> _unwritten = [];

    /// <summary>The step path's writes of work items, which neither read nor change an execution row (nor the
    /// counts triggers keep from those rows): they may run while an execution's change waits to be written.</summary>
    private static readonly HashSet<string> IndependentOfExecutions = new(StringComparer.Ordinal)
    {
        SqliteDialect.Statements.WorkItems.Complete(0, 0).Sql,
        SqliteDialect.Statements.WorkItems.InsertReturningId,
        SqliteDialect.Statements.WorkItems.Reschedule(0, 0, default).Sql,
        SqliteDialect.Statements.WorkItems.ExtendLease(0, 0, default).Sql,
    };

    private SqliteCommand Command(Statement statement)
    {
        var cmd = buffers.Commands.Get(statement.Sql, tx);
        statement.BindTo(cmd.Parameters, Sql.Dialect);
        return cmd;
    }

    protected override Task WriteAsync(Statement statement) => ExecuteAsync(statement);

    protected override Task<int> ExecuteAsync(Statement statement) =>
        _unwritten.Count > 0 && !IndependentOfExecutions.Contains(statement.Sql)
            ? WriteUnwrittenThenExecuteAsync(statement)
            : ExecuteNowAsync(statement);

    private async Task<int> WriteUnwrittenThenExecuteAsync(Statement statement)
    {
        await WriteUnwrittenAsync().ConfigureAwait(false);
        return await ExecuteNowAsync(statement).ConfigureAwait(false);
    }

    private Task<int> ExecuteNowAsync(Statement statement) =>
        Run(statement) is { } done ? Task.FromResult(done.Changes) : Command(statement).ExecuteNonQueryAsync();

    /// <summary>Runs a write on a statement prepared once and bound by position (<see cref="PreparedWrite"/>); null
    /// when a value is of a kind it does not bind, which then goes through Microsoft.Data.Sqlite's command.</summary>
    private (int Changes, long? First)? Run(Statement statement)
    {
        var write = buffers.Commands.Write(statement.Sql);
        var values = new List<(int Position, object Value)>(statement.Parameters.Count);
        foreach (var (name, value) in statement.Parameters)
        {
            // Parameters the SQL does not name are left out, as Statement.BindTo does.
            if (write.Position(Sql.Dialect.Sql(name)) is var position and > 0 && SqliteDialect.Value(value) is var converted)
            {
                if (!PreparedWrite.Binds(converted))
                    return null;
                values.Add((position, converted));
            }
        }
        foreach (var (position, value) in values)
            write.Bind(position, value);
        return write.Run();
    }

    protected override async Task<List<T>> QueryAsync<T>(Statement statement, Func<DbDataReader, T> map)
    {
        await WriteUnwrittenAsync().ConfigureAwait(false);
        var items = new List<T>();
        await using var r = await Command(statement).ExecuteReaderAsync().ConfigureAwait(false);
        while (await r.ReadAsync().ConfigureAwait(false))
            items.Add(map(r));
        return items;
    }

    public override Task SavepointAsync(string name)
    {
        _savepoints[name] = buffers.Mark();
        return ExecuteAsync(new Statement($"SAVEPOINT {name}"));
    }

    public override Task RollbackToSavepointAsync(string name)
    {
        buffers.RollBackTo(_savepoints[name]);
        return ExecuteAsync(new Statement($"ROLLBACK TO {name}"));
    }

    public override Task ReleaseSavepointAsync(string name) => ExecuteAsync(new Statement($"RELEASE {name}"));

    public override async Task CommitAsync()
    {
        await WriteUnwrittenAsync().ConfigureAwait(false);
        buffers.Flush();
        await tx.CommitAsync().ConfigureAwait(false);
        _committed = true;
        buffers.Checkpointer.Committed();
    }

    public override ValueTask DisposeAsync()
    {
        if (!_committed)
            buffers.RollBackTo((0, 0, 0)); // nothing of an abandoned transaction may reach the next one
        return tx.DisposeAsync();
    }

    /// <summary>Moves up to <paramref name="pages"/> free pages to the end of the file and cuts them off (the file
    /// uses incremental auto-vacuum): after pruning, the file shrinks instead of only keeping the pages for reuse.
    /// In WAL mode the file itself shrinks at the next checkpoint.</summary>
    public override Task CompactAsync(int pages) =>
        ExecuteAsync(new Statement($"PRAGMA incremental_vacuum({pages.ToString(CultureInfo.InvariantCulture)})"));

    private static ExecutionRows Executions => SqliteDialect.Statements.Executions;

    /// <summary>Triggers keep each tenant's count of slot holders in slot_holders (migration slot_holder_counts), so
    /// both counts read one row per tenant, however many executions hold slots.</summary>
    internal const string CountSlotHoldersSql =
        "SELECT COALESCE(SUM(holders), 0), COALESCE(SUM(CASE WHEN tenant_id = $tenant THEN holders END), 0) FROM slot_holders";

    // INDEXED BY: without statistics SQLite prefers the status index, which reads every pending row passed over;
    // naming the partial indexes also makes a query that cannot use them an error.
    /// <summary>The oldest pending execution of a tenant under its cap, found in two ways so that neither a long
    /// queue of one tenant nor many tenants makes it dear: first among the oldest pending executions (the head of
    /// the queue: when one of them may start, the oldest such is the answer), else the oldest of each queued
    /// tenant under its cap, one index seek per queued tenant. The second part runs only when the first finds
    /// nothing, so a tenant at its cap with thousands queued costs the head and a seek, not its whole queue.</summary>
    internal static readonly string OldestAdmissiblePendingSql =
        "WITH RECURSIVE " +
        "full_tenants AS (SELECT tenant_id FROM slot_holders WHERE holders >= COALESCE(json_extract($caps, '$.' || json_quote(tenant_id)), $cap)), " +
        $"head AS (SELECT tenant_id, id, created_at FROM executions INDEXED BY ix_executions_pending WHERE {Executions.InAdmissionQueue()} " +
        $"  ORDER BY created_at, id LIMIT {AdmissionQueueHead.ToString(CultureInfo.InvariantCulture)}), " +
        "queued_tenants(t) AS (" +
        $"  SELECT * FROM (SELECT tenant_id FROM executions INDEXED BY ix_executions_pending_by_tenant WHERE {Executions.InAdmissionQueue()} ORDER BY tenant_id LIMIT 1) " +
        "  UNION ALL " +
        $"  SELECT (SELECT tenant_id FROM executions INDEXED BY ix_executions_pending_by_tenant WHERE {Executions.InAdmissionQueue()} AND tenant_id > t " +
        "    ORDER BY tenant_id LIMIT 1) FROM queued_tenants WHERE t IS NOT NULL), " +
        "candidate AS (SELECT * FROM (" +
        "  SELECT * FROM (SELECT tenant_id, id FROM head WHERE tenant_id NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY created_at, id LIMIT 1) " +
        "  UNION ALL " +
        "  SELECT * FROM (SELECT p.tenant_id, p.id FROM queued_tenants JOIN executions p ON p.tenant_id = t AND p.id = " +
        $"      (SELECT id FROM executions INDEXED BY ix_executions_pending_by_tenant WHERE {Executions.InAdmissionQueue()} AND tenant_id = t ORDER BY created_at, id LIMIT 1) " +
        "    WHERE t IS NOT NULL AND t NOT IN (SELECT tenant_id FROM full_tenants) ORDER BY p.created_at, p.id LIMIT 1)" +
        ") LIMIT 1) " +
        "SELECT e.* FROM candidate JOIN executions e ON e.tenant_id = candidate.tenant_id AND e.id = candidate.id";

    /// <summary>How many of the oldest pending executions admission looks at before it looks tenant by tenant.</summary>
    internal const int AdmissionQueueHead = 256;

    public override async Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant) =>
        (await QueryAsync(new Statement(CountSlotHoldersSql).With("@tenant", tenant), r => new SlotHolders(r.GetInt32(0), r.GetInt32(1)))
            .ConfigureAwait(false))[0];

    /// <summary>Walks the pending executions oldest first, passing over those of tenants at their cap; the tenants
    /// at their cap come from the slot holders' counts (one row per tenant), and the walk reads
    /// only the pending index until it finds one to admit.</summary>
    public override Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(TenantSlotCaps caps) =>
        FirstOrDefaultAsync(new Statement(OldestAdmissiblePendingSql).With("@cap", caps.Default).With("@caps", caps.Exceptions), ExecutionRows.Map);

    /// <summary>An execution changed by several operations of one commit (the branches of a fan-out finishing
    /// together) is written once, as it stands at the end, instead of once per operation: its row, and with it its
    /// whole state and context, is written before the commit or before the first statement that could read it.
    /// The committer holds the record in memory meanwhile (the embedded store has one writer), so every operation
    /// of the commit sees the latest.</summary>
    public override Task UpdateExecutionAsync(ExecutionRecord execution)
    {
        _unwritten[(execution.Tenant, execution.Id)] = execution;
        return Task.CompletedTask;
    }

    private async Task WriteUnwrittenAsync()
    {
        if (_unwritten.Count == 0)
            return;
        var executions = _unwritten.Values.ToList();
        _unwritten.Clear();
        foreach (var execution in executions)
            await WriteExecutionAsync(execution).ConfigureAwait(false);
    }

    /// <summary>Most updates are a step's: a new context and state, the same status and times. SQLite rewrites the
    /// entry of every index whose columns or condition an UPDATE's SET names, changed or not (seven indexes of the
    /// executions table name the status), so such an update first tries the statement that sets only the columns no
    /// index names; when an indexed column did change, it matches no row and the full update runs.</summary>
    private async Task WriteExecutionAsync(ExecutionRecord execution)
    {
        if (await ExecuteNowAsync(ExecutionRows.Bind(new Statement(Executions.UpdateUnlessIndexedChange), execution)).ConfigureAwait(false) == 0)
            await ExecuteNowAsync(ExecutionRows.Bind(new Statement(Executions.Update), execution)).ConfigureAwait(false);
    }

    public override async Task<long> InsertWorkItemAsync(WorkItem item)
    {
        var insert = Sql.WorkItems.Insert(item, Sql.WorkItems.InsertReturningId);
        if (Run(insert) is { } done)
            return done.First ?? throw new InvalidOperationException("The work item's insert returned no id.");
        return (long)(await Command(insert).ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    public override Task SaveStepRunAsync(StepRunRecord run)
    {
        buffers.StepRuns.Add(run.Tenant, run.ExecutionId, run.StepId, run.Attempt, run.StepName, run.StepType, run.Status,
            run.Input, run.Output, run.Error, run.StartedAt, run.FinishedAt, run.Sequence, run.Variables, run.Next, run.StatusAfter);
        return Task.CompletedTask;
    }

    public override Task InsertLogAsync(LogRecord log)
    {
        buffers.Logs.Add(log.Tenant, log.ExecutionId, log.StepId, log.Level, log.Message, log.Data, log.At);
        return Task.CompletedTask;
    }

    public override Task<long> InsertEventAsync(EventRecord evt)
    {
        var id = buffers.NextEventId();
        buffers.Events.Add(id, evt.Tenant, evt.Type, evt.ExecutionId, evt.WorkflowId, evt.Payload, evt.At);
        return Task.FromResult(id);
    }
}
