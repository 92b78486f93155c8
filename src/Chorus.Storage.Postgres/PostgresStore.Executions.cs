using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await Pg.Command(connection, $"{ExecutionRows.Select} WHERE tenant_id = @tenant AND id = @id")
                .With("@tenant", tenant).With("@id", id).FirstOrDefaultAsync(ExecutionRows.Map, ct).ConfigureAwait(false);
        }
    }

    public async Task<Page<ExecutionRecord>> ListExecutionsAsync(TenantId tenant, ExecutionQuery query, CancellationToken ct)
    {
        var where = new StringBuilder("tenant_id = @tenant");
        if (!query.IncludeTests) where.Append(" AND NOT is_test");
        if (query.WorkflowId is not null) where.Append(" AND workflow_id = @workflow");
        if (query.Status is not null) where.Append(" AND status = @status");
        if (query.From is not null) where.Append(" AND created_at >= @from");
        if (query.To is not null) where.Append(" AND created_at <= @to");
        NpgsqlCommand Bind(NpgsqlCommand cmd)
        {
            cmd.With("@tenant", tenant);
            // Only the filters in use get a parameter: an untyped null the query never mentions is an error.
            if (query.WorkflowId is { } workflow) cmd.With("@workflow", workflow);
            if (query.Status is { } status) cmd.With("@status", status.ToWire());
            if (query.From is { } from) cmd.With("@from", from);
            if (query.To is { } to) cmd.With("@to", to);
            return cmd;
        }

        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var total = Pg.Int(await Bind(Pg.Command(connection, $"SELECT COUNT(*) FROM workflow.instances WHERE {where}"))
                .ScalarAsync(ct).ConfigureAwait(false));
            var items = await Bind(Pg.Command(connection,
                    $"{ExecutionRows.Select} WHERE {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset"))
                .With("@limit", query.Limit).With("@offset", query.Offset).ListAsync(ExecutionRows.Map, ct).ConfigureAwait(false);
            return new Page<ExecutionRecord>(items, total);
        }
    }

    public async Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(TenantId tenant, Guid executionId, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // COLLATE "C": the same byte order as SQLite, whatever locale the database was created with.
            return await Pg.Command(connection,
                    "SELECT * FROM workflow.steps WHERE tenant_id = @tenant AND execution_id = @id ORDER BY started_at, step_id COLLATE \"C\", attempt")
                .With("@tenant", tenant).With("@id", executionId)
                .ListAsync(r => new StepRunRecord
                {
                    Tenant = tenant,
                    ExecutionId = executionId,
                    StepId = r.Text("step_id")!,
                    StepName = r.Text("step_name")!,
                    StepType = r.Text("step_type")!,
                    Attempt = r.Int("attempt"),
                    Status = r.Text("status")!,
                    Input = r.Json("input"),
                    Output = r.Json("output"),
                    Error = r.Json("error") as JsonObject,
                    StartedAt = r.Time("started_at"),
                    FinishedAt = r.OptionalTime("finished_at"),
                }, ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(TenantId tenant, Guid executionId, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await Pg.Command(connection, "SELECT * FROM workflow.execution_logs WHERE tenant_id = @tenant AND execution_id = @id ORDER BY id")
                .With("@tenant", tenant).With("@id", executionId)
                .ListAsync(r => new LogRecord
                {
                    Tenant = tenant,
                    ExecutionId = executionId,
                    StepId = r.Text("step_id"),
                    Level = r.Text("level")!,
                    Message = r.Text("message")!,
                    Data = r.Json("data"),
                    At = r.Time("at"),
                }, ct).ConfigureAwait(false);
        }
    }
}
