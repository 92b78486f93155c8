using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string WorkflowColumns = "tenant_id, id, name, description, status, current_version, created_at, updated_at";

    public async Task CreateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord firstVersion, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var insert = Sql.Command(connection,
            $"INSERT INTO workflows ({WorkflowColumns}) VALUES ($tenant, $id, $name, $description, $status, $version, $created, $updated)", tx))
        {
            await BindWorkflow(insert, workflow).ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await InsertVersionAsync(connection, tx, firstVersion, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> UpdateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord? newVersion, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var update = Sql.Command(connection,
            "UPDATE workflows SET name = $name, description = $description, status = $status, current_version = $version, updated_at = $updated " +
            "WHERE tenant_id = $tenant AND id = $id AND deleted = 0", tx))
        {
            if (await BindWorkflow(update, workflow).ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                return false;
        }
        if (newVersion is not null)
            await InsertVersionAsync(connection, tx, newVersion, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> DeleteWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // Soft delete: executions keep their pinned version readable.
        await using var cmd = Sql.Command(connection, "UPDATE workflows SET deleted = 1 WHERE tenant_id = $tenant AND id = $id AND deleted = 0")
            .With("$tenant", tenant).With("$id", id);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }

    public async Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await ReadWorkflowAsync(connection, null, tenant, id, ct).ConfigureAwait(false);
    }

    internal static async Task<WorkflowRecord?> ReadWorkflowAsync(SqliteConnection connection, SqliteTransaction? tx, TenantId tenant, Guid id, CancellationToken ct)
    {
        await using var cmd = Sql.Command(connection, $"SELECT {WorkflowColumns} FROM workflows WHERE tenant_id = $tenant AND id = $id AND deleted = 0", tx)
            .With("$tenant", tenant).With("$id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? MapWorkflow(r) : null;
    }

    public async Task<Page<WorkflowRecord>> ListWorkflowsAsync(TenantId tenant, int offset, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var count = Sql.Command(connection, "SELECT COUNT(*) FROM workflows WHERE tenant_id = $tenant AND deleted = 0").With("$tenant", tenant);
        var total = Sql.Int(await count.ExecuteScalarAsync(ct).ConfigureAwait(false));
        await using var cmd = Sql.Command(connection,
            $"SELECT {WorkflowColumns} FROM workflows WHERE tenant_id = $tenant AND deleted = 0 ORDER BY created_at DESC, id LIMIT $limit OFFSET $offset")
            .With("$tenant", tenant).With("$limit", limit).With("$offset", offset);
        var items = new List<WorkflowRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            items.Add(MapWorkflow(r));
        return new Page<WorkflowRecord>(items, total);
    }

    public async Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await ReadVersionAsync(connection, null, tenant, workflowId, number, ct).ConfigureAwait(false);
    }

    internal static async Task<WorkflowVersionRecord?> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? tx, TenantId tenant, Guid workflowId, int number, CancellationToken ct)
    {
        await using var cmd = Sql.Command(connection,
            "SELECT * FROM workflow_versions WHERE tenant_id = $tenant AND workflow_id = $id AND number = $number", tx)
            .With("$tenant", tenant).With("$id", workflowId).With("$number", number);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? MapVersion(r) : null;
    }

    public async Task<IReadOnlyList<WorkflowVersionRecord>> ListVersionsAsync(TenantId tenant, Guid workflowId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = Sql.Command(connection,
            "SELECT * FROM workflow_versions WHERE tenant_id = $tenant AND workflow_id = $id ORDER BY number")
            .With("$tenant", tenant).With("$id", workflowId);
        var items = new List<WorkflowVersionRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            items.Add(MapVersion(r));
        return items;
    }

    private static async Task InsertVersionAsync(SqliteConnection connection, SqliteTransaction tx, WorkflowVersionRecord v, CancellationToken ct)
    {
        await using var cmd = Sql.Command(connection,
            "INSERT INTO workflow_versions (tenant_id, workflow_id, number, label, definition, hash, created_at) " +
            "VALUES ($tenant, $id, $number, $label, $definition, $hash, $created)", tx)
            .With("$tenant", v.Tenant).With("$id", v.WorkflowId).With("$number", v.Number).With("$label", v.Label)
            .With("$definition", v.Definition).With("$hash", v.Hash).With("$created", v.CreatedAt);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static SqliteCommand BindWorkflow(SqliteCommand cmd, WorkflowRecord w) =>
        cmd.With("$tenant", w.Tenant).With("$id", w.Id).With("$name", w.Name).With("$description", w.Description)
            .With("$status", w.Status.ToString().ToLowerInvariant()).With("$version", w.CurrentVersion)
            .With("$created", w.CreatedAt).With("$updated", w.UpdatedAt);

    private static WorkflowRecord MapWorkflow(SqliteDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Id = r.Id("id"),
        Name = r.Text("name")!,
        Description = r.Text("description"),
        Status = Enum.Parse<WorkflowStatus>(r.Text("status")!, ignoreCase: true),
        CurrentVersion = (int)r.Long("current_version"),
        CreatedAt = r.Time("created_at"),
        UpdatedAt = r.Time("updated_at"),
    };

    private static WorkflowVersionRecord MapVersion(SqliteDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        WorkflowId = r.Id("workflow_id"),
        Number = (int)r.Long("number"),
        Label = r.Text("label"),
        Definition = (JsonObject)r.Json("definition")!,
        Hash = r.Text("hash")!,
        CreatedAt = r.Time("created_at"),
    };
}
