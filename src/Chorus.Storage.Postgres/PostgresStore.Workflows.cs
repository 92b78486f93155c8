using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Chorus.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string WorkflowColumns = "tenant_id, id, name, description, status, current_version, created_at, updated_at";

    public async Task CreateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord firstVersion, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await BindWorkflow(Pg.Command(connection,
                    $"INSERT INTO workflow.templates ({WorkflowColumns}) VALUES (@tenant, @id, @name, @description, @status, @version, @created, @updated)", tx),
                    workflow).ExecuteAsync(ct).ConfigureAwait(false);
                await InsertVersionAsync(connection, tx, firstVersion, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    public async Task<bool> UpdateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord? newVersion, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var updated = await BindWorkflow(Pg.Command(connection,
                    "UPDATE workflow.templates SET name = @name, description = @description, status = @status, current_version = @version, " +
                    "updated_at = @updated WHERE tenant_id = @tenant AND id = @id AND NOT deleted", tx), workflow).ExecuteAsync(ct).ConfigureAwait(false);
                if (updated == 0)
                    return false;
                if (newVersion is not null)
                    await InsertVersionAsync(connection, tx, newVersion, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }
        }
    }

    public async Task<bool> DeleteWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Soft delete: executions keep their pinned version readable.
            return await Pg.Command(connection, "UPDATE workflow.templates SET deleted = true WHERE tenant_id = @tenant AND id = @id AND NOT deleted")
                .With("@tenant", tenant).With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0;
        }
    }

    public async Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
            return await Pg.Command(connection, WorkflowById).With("@tenant", tenant).With("@id", id).FirstOrDefaultAsync(MapWorkflow, ct).ConfigureAwait(false);
    }

    private const string WorkflowById = $"SELECT {WorkflowColumns} FROM workflow.templates WHERE tenant_id = @tenant AND id = @id AND NOT deleted";

    private const string VersionByNumber = "SELECT * FROM workflow.template_versions WHERE tenant_id = @tenant AND workflow_id = @id AND number = @number";

    internal static NpgsqlBatchCommand SelectWorkflow(TenantId tenant, Guid id) =>
        new NpgsqlBatchCommand(WorkflowById).With("@tenant", tenant).With("@id", id);

    internal static NpgsqlBatchCommand SelectVersion(TenantId tenant, Guid workflowId, int number) =>
        new NpgsqlBatchCommand(VersionByNumber).With("@tenant", tenant).With("@id", workflowId).With("@number", number);

    public async Task<Page<WorkflowRecord>> ListWorkflowsAsync(TenantId tenant, int offset, int limit, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var total = Pg.Int(await Pg.Command(connection, "SELECT COUNT(*) FROM workflow.templates WHERE tenant_id = @tenant AND NOT deleted")
                .With("@tenant", tenant).ScalarAsync(ct).ConfigureAwait(false));
            var items = await Pg.Command(connection,
                    $"SELECT {WorkflowColumns} FROM workflow.templates WHERE tenant_id = @tenant AND NOT deleted " +
                    "ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset")
                .With("@tenant", tenant).With("@limit", limit).With("@offset", offset).ListAsync(MapWorkflow, ct).ConfigureAwait(false);
            return new Page<WorkflowRecord>(items, total);
        }
    }

    public async Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
            return await Pg.Command(connection, VersionByNumber).With("@tenant", tenant).With("@id", workflowId).With("@number", number)
                .FirstOrDefaultAsync(MapVersion, ct).ConfigureAwait(false);
    }


    public async Task<IReadOnlyList<WorkflowVersionRecord>> ListVersionsAsync(TenantId tenant, Guid workflowId, CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await Pg.Command(connection, "SELECT * FROM workflow.template_versions WHERE tenant_id = @tenant AND workflow_id = @id ORDER BY number")
                .With("@tenant", tenant).With("@id", workflowId).ListAsync(MapVersion, ct).ConfigureAwait(false);
        }
    }

    private static Task<int> InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, WorkflowVersionRecord v, CancellationToken ct) =>
        Pg.Command(connection,
                "INSERT INTO workflow.template_versions (tenant_id, workflow_id, number, label, definition, hash, created_at) " +
                "VALUES (@tenant, @id, @number, @label, @definition, @hash, @created)", tx)
            .With("@tenant", v.Tenant).With("@id", v.WorkflowId).With("@number", v.Number).With("@label", v.Label)
            .WithJson("@definition", v.Definition.ToJsonString(), NpgsqlDbType.Json).With("@hash", v.Hash).With("@created", v.CreatedAt)
            .ExecuteAsync(ct);

    private static NpgsqlCommand BindWorkflow(NpgsqlCommand cmd, WorkflowRecord w) =>
        cmd.With("@tenant", w.Tenant).With("@id", w.Id).With("@name", w.Name).With("@description", w.Description)
            .With("@status", w.Status.ToString().ToLowerInvariant()).With("@version", w.CurrentVersion)
            .With("@created", w.CreatedAt).With("@updated", w.UpdatedAt);

    internal static WorkflowRecord MapWorkflow(NpgsqlDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Id = r.Id("id"),
        Name = r.Text("name")!,
        Description = r.Text("description"),
        Status = Enum.Parse<WorkflowStatus>(r.Text("status")!, ignoreCase: true),
        CurrentVersion = r.Int("current_version"),
        CreatedAt = r.Time("created_at"),
        UpdatedAt = r.Time("updated_at"),
    };

    internal static WorkflowVersionRecord MapVersion(NpgsqlDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        WorkflowId = r.Id("workflow_id"),
        Number = r.Int("number"),
        Label = r.Text("label"),
        Definition = (JsonObject)r.Json("definition")!,
        Hash = r.Text("hash")!,
        CreatedAt = r.Time("created_at"),
    };
}
