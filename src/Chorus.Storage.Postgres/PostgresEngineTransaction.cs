using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>The engine's writes on one pooled connection, inside one transaction. Unlike SQLite nothing is
/// buffered: other nodes write too, so every statement goes to the server when it is made.</summary>
internal sealed partial class PostgresEngineTransaction(NpgsqlConnection connection, NpgsqlTransaction tx) : IEngineTransaction
{
    private NpgsqlCommand Command(string sql) => Pg.Command(connection, sql, tx);

    public async Task AnnounceWorkAsync(DateTimeOffset due)
    {
        // NOTIFY inside the transaction is delivered only if it commits.
        await using var notify = new NpgsqlCommand($"SELECT pg_notify('{PostgresStore.WorkChannel}', @due)", connection, tx);
        notify.Parameters.AddWithValue("due", due.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await notify.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task AnnounceEventsAsync(IReadOnlyList<long> ids)
    {
        // A NOTIFY payload holds at most 8,000 bytes: a long batch of ids goes in several.
        foreach (var chunk in ids.Chunk(500))
        {
            await using var notify = new NpgsqlCommand($"SELECT pg_notify('{PostgresStore.EventChannel}', @ids)", connection, tx);
            notify.Parameters.AddWithValue("ids", string.Join(',', chunk.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            await notify.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    public Task SavepointAsync(string name) => tx.SaveAsync(name);

    public Task RollbackToSavepointAsync(string name) => tx.RollbackAsync(name);

    public Task ReleaseSavepointAsync(string name) => tx.ReleaseAsync(name);

    public Task CommitAsync() => tx.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        // Disposing an uncommitted transaction rolls it back before the connection returns to the pool.
        await tx.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Locks the row until the transaction ends: this is what serialises two nodes changing one execution.</summary>
    public Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id) =>
        Command($"{ExecutionRows.Select} WHERE tenant_id = @tenant AND id = @id FOR UPDATE")
            .With("@tenant", tenant).With("@id", id).FirstOrDefaultAsync(ExecutionRows.Map);

    public Task InsertExecutionAsync(ExecutionRecord execution) => ExecutionRows.Bind(Command(ExecutionRows.Insert), execution).ExecuteAsync();

    public Task UpdateExecutionAsync(ExecutionRecord execution) => ExecutionRows.Bind(Command(ExecutionRows.Update), execution).ExecuteAsync();

    public async Task<int> CountSlotHoldersAsync() => Pg.Int(await Command(
            "SELECT COUNT(*) FROM workflow.instances WHERE status IN ('running', 'waiting', 'paused') AND NOT is_test AND parent_id IS NULL")
        .ScalarAsync().ConfigureAwait(false));

    /// <summary>Locks the row like <see cref="GetExecutionAsync"/>, skipping one another node is admitting: without
    /// the lock two nodes admitted the same pending execution and each scheduled its first steps.</summary>
    public Task<ExecutionRecord?> GetOldestPendingAsync() =>
        Command($"{ExecutionRows.Select} WHERE status = 'pending' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED").FirstOrDefaultAsync(ExecutionRows.Map);

    public async Task<IReadOnlyList<Guid>> GetActiveChildrenAsync(TenantId tenant, Guid parentId) =>
        await Command("SELECT id FROM workflow.instances WHERE parent_id = @parent AND tenant_id = @tenant AND status NOT IN ('completed', 'failed', 'cancelled')")
            .With("@parent", parentId).With("@tenant", tenant).ListAsync(r => r.GetGuid(0)).ConfigureAwait(false);

    public Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id) => PostgresStore.ReadWorkflowAsync(connection, tx, tenant, id, CancellationToken.None);

    public Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number) =>
        PostgresStore.ReadVersionAsync(connection, tx, tenant, workflowId, number, CancellationToken.None);

    public Task SaveStepRunAsync(StepRunRecord run) => Command(
            "INSERT INTO workflow.steps (tenant_id, execution_id, step_id, attempt, step_name, step_type, status, input, output, error, started_at, finished_at) " +
            "VALUES (@tenant, @execution, @step, @attempt, @name, @type, @status, @input, @output, @error, @started, @finished) " +
            "ON CONFLICT (execution_id, step_id, attempt) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, step_name = EXCLUDED.step_name, " +
            "step_type = EXCLUDED.step_type, status = EXCLUDED.status, input = EXCLUDED.input, output = EXCLUDED.output, error = EXCLUDED.error, " +
            "started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at")
        .With("@tenant", run.Tenant).With("@execution", run.ExecutionId).With("@step", run.StepId).With("@attempt", run.Attempt)
        .With("@name", run.StepName).With("@type", run.StepType).With("@status", run.Status).WithJson("@input", run.Input?.ToJsonString())
        .WithJson("@output", run.Output?.ToJsonString()).WithJson("@error", run.Error?.ToJsonString()).With("@started", run.StartedAt)
        .With("@finished", run.FinishedAt).ExecuteAsync();

    public Task InsertLogAsync(LogRecord log) => Command(
            "INSERT INTO workflow.execution_logs (tenant_id, execution_id, step_id, level, message, data, at) " +
            "VALUES (@tenant, @execution, @step, @level, @message, @data, @at)")
        .With("@tenant", log.Tenant).With("@execution", log.ExecutionId).With("@step", log.StepId).With("@level", log.Level)
        .With("@message", log.Message).WithJson("@data", log.Data?.ToJsonString()).With("@at", log.At).ExecuteAsync();

    public async Task<long> InsertEventAsync(EventRecord evt) => (long)(await Command(
            "INSERT INTO workflow.events (tenant_id, type, execution_id, workflow_id, payload, at) " +
            "VALUES (@tenant, @type, @execution, @workflow, @payload, @at) RETURNING id")
        .With("@tenant", evt.Tenant).With("@type", evt.Type).With("@execution", evt.ExecutionId).With("@workflow", evt.WorkflowId)
        .WithJson("@payload", evt.Payload.ToJsonString()).With("@at", evt.At).ScalarAsync().ConfigureAwait(false))!;

    public Task InsertSignalAsync(SignalRecord signal) => Command(
            "INSERT INTO workflow.signals (tenant_id, execution_id, name, data, at) VALUES (@tenant, @execution, @name, @data, @at)")
        .With("@tenant", signal.Tenant).With("@execution", signal.ExecutionId).With("@name", signal.Name)
        .WithJson("@data", signal.Data?.ToJsonString()).With("@at", signal.At).ExecuteAsync();

    /// <summary>SKIP LOCKED: a signal another transaction is taking is left to it rather than waited for.</summary>
    public Task<SignalRecord?> TakeSignalAsync(TenantId tenant, Guid executionId, string name) => Command(
            "DELETE FROM workflow.signals WHERE id = (SELECT id FROM workflow.signals WHERE execution_id = @execution AND tenant_id = @tenant " +
            "AND name = @name ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING data, at")
        .With("@execution", executionId).With("@tenant", tenant).With("@name", name)
        .FirstOrDefaultAsync(r => new SignalRecord { Tenant = tenant, ExecutionId = executionId, Name = name, Data = r.Json("data"), At = r.Time("at") });
}
