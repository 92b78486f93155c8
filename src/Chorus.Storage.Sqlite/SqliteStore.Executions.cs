using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await ExecutionRows.ReadAsync(connection, tenant, id).ConfigureAwait(false);
    }

    public async Task<Page<ExecutionRecord>> ListExecutionsAsync(TenantId tenant, ExecutionQuery query, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var where = new StringBuilder("tenant_id = $tenant");
        if (!query.IncludeTests) where.Append(" AND is_test = 0");
        if (query.WorkflowId is not null) where.Append(" AND workflow_id = $workflow");
        if (query.Status is not null) where.Append(" AND status = $status");
        if (query.From is not null) where.Append(" AND created_at >= $from");
        if (query.To is not null) where.Append(" AND created_at <= $to");
        SqliteCommand Bind(SqliteCommand cmd) => cmd.With("$tenant", tenant).With("$workflow", query.WorkflowId)
            .With("$status", query.Status?.ToWire()).With("$from", query.From).With("$to", query.To);

        await using var count = Bind(Sql.Command(connection, $"SELECT COUNT(*) FROM executions WHERE {where}"));
        var total = Sql.Int(await count.ExecuteScalarAsync(ct).ConfigureAwait(false));
        await using var cmd = Bind(Sql.Command(connection,
            $"SELECT * FROM executions WHERE {where} ORDER BY created_at DESC, id DESC LIMIT $limit OFFSET $offset"))
            .With("$limit", query.Limit).With("$offset", query.Offset);
        var items = new List<ExecutionRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            items.Add(ExecutionRows.Map(r));
        return new Page<ExecutionRecord>(items, total);
    }

    public async Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(TenantId tenant, Guid executionId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = Sql.Command(connection,
            "SELECT * FROM step_runs WHERE tenant_id = $tenant AND execution_id = $id ORDER BY started_at, step_id, attempt")
            .With("$tenant", tenant).With("$id", executionId);
        var runs = new List<StepRunRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            runs.Add(new StepRunRecord
            {
                Tenant = tenant,
                ExecutionId = executionId,
                StepId = r.Text("step_id")!,
                StepName = r.Text("step_name")!,
                StepType = r.Text("step_type")!,
                Attempt = (int)r.Long("attempt"),
                Status = r.Text("status")!,
                Input = r.Json("input"),
                Output = r.Json("output"),
                Error = r.Json("error") as JsonObject,
                StartedAt = r.Time("started_at"),
                FinishedAt = r.OptionalTime("finished_at"),
            });
        }
        return runs;
    }

    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(TenantId tenant, Guid executionId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = Sql.Command(connection,
            "SELECT * FROM execution_logs WHERE tenant_id = $tenant AND execution_id = $id ORDER BY id")
            .With("$tenant", tenant).With("$id", executionId);
        var logs = new List<LogRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            logs.Add(new LogRecord
            {
                Tenant = tenant,
                ExecutionId = executionId,
                StepId = r.Text("step_id"),
                Level = r.Text("level")!,
                Message = r.Text("message")!,
                Data = r.Json("data"),
                At = r.Time("at"),
            });
        }
        return logs;
    }
}
