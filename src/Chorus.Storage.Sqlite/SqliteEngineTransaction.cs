using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The engine's writes on the single writer connection, inside one transaction.</summary>
internal sealed partial class SqliteEngineTransaction(SqliteConnection connection, SqliteTransaction tx, CommandCache commands) : IEngineTransaction
{
    private SqliteCommand Command(string sql) => commands.Get(sql, tx);

    private static Task<int> ExecuteAsync(SqliteCommand cmd) => cmd.ExecuteNonQueryAsync();

    public Task SavepointAsync(string name) => ExecuteAsync(Command($"SAVEPOINT {name}"));
    public Task RollbackToSavepointAsync(string name) => ExecuteAsync(Command($"ROLLBACK TO {name}"));
    public Task ReleaseSavepointAsync(string name) => ExecuteAsync(Command($"RELEASE {name}"));
    public Task CommitAsync() => tx.CommitAsync();

    public ValueTask DisposeAsync() => tx.DisposeAsync();

    public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id)
    {
        var cmd = Command(ExecutionRows.Select).With("$tenant", tenant).With("$id", id);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        return await r.ReadAsync().ConfigureAwait(false) ? ExecutionRows.Map(r) : null;
    }

    public Task InsertExecutionAsync(ExecutionRecord execution) => ExecuteAsync(ExecutionRows.Bind(Command(ExecutionRows.Insert), execution));

    public Task UpdateExecutionAsync(ExecutionRecord execution) => ExecuteAsync(ExecutionRows.Bind(Command(ExecutionRows.Update), execution));

    public async Task<int> CountSlotHoldersAsync()
    {
        var cmd = Command(
            "SELECT COUNT(*) FROM executions WHERE status IN ('running', 'waiting', 'paused') AND is_test = 0 AND parent_id IS NULL");
        return Sql.Int(await cmd.ExecuteScalarAsync().ConfigureAwait(false));
    }

    public async Task<ExecutionRecord?> GetOldestPendingAsync()
    {
        var cmd = Command("SELECT * FROM executions WHERE status = 'pending' ORDER BY created_at, id LIMIT 1");
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

    public Task SaveStepRunAsync(StepRunRecord run) => ExecuteAsync(Command(
            "INSERT OR REPLACE INTO step_runs (tenant_id, execution_id, step_id, attempt, step_name, step_type, status, input, output, error, started_at, finished_at) " +
            "VALUES ($tenant, $execution, $step, $attempt, $name, $type, $status, $input, $output, $error, $started, $finished)")
        .With("$tenant", run.Tenant).With("$execution", run.ExecutionId).With("$step", run.StepId).With("$attempt", run.Attempt)
        .With("$name", run.StepName).With("$type", run.StepType).With("$status", run.Status).With("$input", run.Input)
        .With("$output", run.Output).With("$error", run.Error).With("$started", run.StartedAt).With("$finished", run.FinishedAt));

    public Task InsertLogAsync(LogRecord log) => ExecuteAsync(Command(
            "INSERT INTO execution_logs (tenant_id, execution_id, step_id, level, message, data, at) VALUES ($tenant, $execution, $step, $level, $message, $data, $at)")
        .With("$tenant", log.Tenant).With("$execution", log.ExecutionId).With("$step", log.StepId).With("$level", log.Level)
        .With("$message", log.Message).With("$data", log.Data).With("$at", log.At));

    public async Task<long> InsertEventAsync(EventRecord evt)
    {
        var cmd = Command(
                "INSERT INTO events (tenant_id, type, execution_id, workflow_id, payload, at) VALUES ($tenant, $type, $execution, $workflow, $payload, $at) RETURNING id")
            .With("$tenant", evt.Tenant).With("$type", evt.Type).With("$execution", evt.ExecutionId).With("$workflow", evt.WorkflowId)
            .With("$payload", evt.Payload).With("$at", evt.At);
        return (long)(await cmd.ExecuteScalarAsync().ConfigureAwait(false))!;
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
