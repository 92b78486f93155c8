using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The workflows table and their versions. Workflows are deleted softly: executions keep their pinned
/// version readable.</summary>
internal sealed class WorkflowRows(SqlDialect d)
{
    private const string ColumnList = "tenant_id, id, name, description, status, current_version, created_at, updated_at";

    private readonly string _select = $"SELECT {ColumnList} FROM {d.Table("workflows")} WHERE tenant_id = @tenant AND {d.IsFalse("deleted")}";
    private readonly string _versions = $"SELECT * FROM {d.Table("workflow_versions")} WHERE tenant_id = @tenant AND workflow_id = @id";

    public string Insert { get; } = d.Sql($"INSERT INTO {d.Table("workflows")} ({ColumnList}) " +
        "VALUES (@tenant, @id, @name, @description, @status, @version, @created, @updated) ON CONFLICT (tenant_id, id) DO NOTHING");

    public string Update { get; } = d.Sql($"UPDATE {d.Table("workflows")} SET name = @name, description = @description, status = @status, " +
        $"current_version = @version, updated_at = @updated WHERE tenant_id = @tenant AND id = @id AND {d.IsFalse("deleted")}");

    public Statement Delete(TenantId tenant, Guid id) => new Statement(d.Sql(
            $"UPDATE {d.Table("workflows")} SET deleted = TRUE WHERE tenant_id = @tenant AND id = @id AND {d.IsFalse("deleted")}"))
        .With("@tenant", tenant).With("@id", id);

    private readonly string _byId = d.Sql($"SELECT {ColumnList} FROM {d.Table("workflows")} WHERE tenant_id = @tenant AND {d.IsFalse("deleted")} AND id = @id");

    public Statement ById(TenantId tenant, Guid id) => new Statement(_byId).With("@tenant", tenant).With("@id", id);

    public Statement Count(TenantId tenant) =>
        new Statement(d.Sql($"SELECT COUNT(*) FROM {d.Table("workflows")} WHERE tenant_id = @tenant AND {d.IsFalse("deleted")}")).With("@tenant", tenant);

    public Statement Page(TenantId tenant, int offset, int limit) =>
        new Statement(d.Sql($"{_select} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset"))
            .With("@tenant", tenant).With("@limit", limit).With("@offset", offset);

    private readonly string _version =
        d.Sql($"SELECT * FROM {d.Table("workflow_versions")} WHERE tenant_id = @tenant AND workflow_id = @id AND number = @number");

    public Statement Version(TenantId tenant, Guid workflowId, int number) =>
        new Statement(_version).With("@tenant", tenant).With("@id", workflowId).With("@number", number);

    public Statement Versions(TenantId tenant, Guid workflowId) =>
        new Statement(d.Sql($"{_versions} ORDER BY number")).With("@tenant", tenant).With("@id", workflowId);

    /// <summary>The definition is kept as written (PostgreSQL: json, not jsonb), so its keys keep their order.</summary>
    public Statement InsertVersion(WorkflowVersionRecord v) => new Statement(d.Sql(
            $"INSERT INTO {d.Table("workflow_versions")} (tenant_id, workflow_id, number, label, definition, hash, created_at, created_by) " +
            "VALUES (@tenant, @id, @number, @label, @definition, @hash, @created, @author)"))
        .With("@tenant", v.Tenant).With("@id", v.WorkflowId).With("@number", v.Number).With("@label", v.Label)
        .With("@definition", new JsonText(v.Definition.ToJsonString(), Exact: true)).With("@hash", v.Hash).With("@created", v.CreatedAt).With("@author", v.CreatedBy);

    public static Statement Bind(Statement s, WorkflowRecord w) =>
        s.With("@tenant", w.Tenant).With("@id", w.Id).With("@name", w.Name).With("@description", w.Description)
            .With("@status", w.Status.ToString().ToLowerInvariant()).With("@version", w.CurrentVersion)
            .With("@created", w.CreatedAt).With("@updated", w.UpdatedAt);

    public static WorkflowRecord Map(DbDataReader r) => new()
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

    public static WorkflowVersionRecord MapVersion(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        WorkflowId = r.Id("workflow_id"),
        Number = r.Int("number"),
        Label = r.Text("label"),
        Definition = (JsonObject)r.Json("definition")!,
        Hash = r.Text("hash")!,
        CreatedAt = r.Time("created_at"),
        CreatedBy = r.Text("created_by"),
    };
}
