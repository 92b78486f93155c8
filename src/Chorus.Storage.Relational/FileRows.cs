using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The files table. Reads name the tenant, except the search for files of deleted executions, which
/// retention runs over all tenants. No statement but <see cref="Content"/> reads the bytes.</summary>
internal sealed class FileRows(SqlDialect d)
{
    private const string ColumnList = "tenant_id, id, name, content_type, size, sha256, created_at, created_by, execution_id, step_id, path";

    private readonly string _table = d.Table("files");

    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("files")} ({ColumnList}, content) " +
        "VALUES (@tenant, @id, @name, @type, @size, @sha256, @created, @createdBy, @execution, @step, @path, @content)");

    public Statement Insert(FileRecord f, byte[]? content) => new Statement(_insert)
        .With("@tenant", f.Tenant).With("@id", f.Id).With("@name", f.Name).With("@type", f.ContentType).With("@size", f.Size)
        .With("@sha256", f.Sha256).With("@created", f.CreatedAt).With("@createdBy", f.CreatedBy).With("@execution", f.ExecutionId)
        .With("@step", f.StepId).With("@path", f.Path).With("@content", content);

    private readonly string _byId = d.Sql($"SELECT {ColumnList} FROM {d.Table("files")} WHERE tenant_id = @tenant AND id = @id");

    public Statement ById(TenantId tenant, Guid id) => new Statement(_byId).With("@tenant", tenant).With("@id", id);

    private readonly string _content = d.Sql($"SELECT content FROM {d.Table("files")} WHERE tenant_id = @tenant AND id = @id AND content IS NOT NULL");

    public Statement Content(TenantId tenant, Guid id) => new Statement(_content).With("@tenant", tenant).With("@id", id);

    public Statement Count(TenantId tenant) =>
        new Statement(d.Sql($"SELECT COUNT(*) FROM {_table} WHERE tenant_id = @tenant")).With("@tenant", tenant);

    public Statement Page(TenantId tenant, int offset, int limit) => new Statement(d.Sql(
            $"SELECT {ColumnList} FROM {_table} WHERE tenant_id = @tenant ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset"))
        .With("@tenant", tenant).With("@limit", limit).With("@offset", offset);

    public Statement Delete(TenantId tenant, Guid[] ids) => new Statement(d.Sql(
            $"DELETE FROM {_table} WHERE tenant_id = @tenant AND {d.AnyId("id", "@ids")}"))
        .With("@tenant", tenant).With("@ids", ids);

    public Statement TenantsWithUploads() => new(d.Sql($"SELECT DISTINCT tenant_id FROM {_table} WHERE execution_id IS NULL"));

    public Statement UploadsCreatedBefore(TenantId tenant, DateTimeOffset before, int max) => new Statement(d.Sql(
            $"SELECT {ColumnList} FROM {_table} WHERE tenant_id = @tenant AND execution_id IS NULL AND created_at < @before " +
            "ORDER BY created_at, id LIMIT @max"))
        .With("@tenant", tenant).With("@before", before).With("@max", max);

    /// <summary>Files whose execution is gone: each is looked up by the executions' primary key.</summary>
    public Statement OfDeletedExecutions(int max) => new Statement(d.Sql(
            $"SELECT {ColumnList} FROM {_table} f WHERE f.execution_id IS NOT NULL AND NOT EXISTS " +
            $"(SELECT 1 FROM {d.Table("executions")} e WHERE e.tenant_id = f.tenant_id AND e.id = f.execution_id) LIMIT @max"))
        .With("@max", max);

    public static FileRecord Map(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Id = r.Id("id"),
        Name = r.Text("name")!,
        ContentType = r.Text("content_type")!,
        Size = r.Long("size"),
        Sha256 = r.Text("sha256")!,
        CreatedAt = r.Time("created_at"),
        CreatedBy = r.Text("created_by")!,
        ExecutionId = r.OptionalId("execution_id"),
        StepId = r.Text("step_id"),
        Path = r.Text("path"),
    };
}
