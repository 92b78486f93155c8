using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The secrets table. Every statement names the tenant.</summary>
internal sealed class SecretRows(SqlDialect d)
{
    private const string ColumnList = "tenant_id, name, ciphertext, created_at, updated_at, created_by, updated_by";

    // DO NOTHING: a name taken already is a rotation, which Rotate writes; the affected row count tells which.
    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("secrets")} ({ColumnList}) " +
        "VALUES (@tenant, @name, @ciphertext, @created, @updated, @createdBy, @updatedBy) ON CONFLICT (tenant_id, name) DO NOTHING");

    public Statement Insert(SecretRecord s) => new Statement(_insert)
        .With("@tenant", s.Tenant).With("@name", s.Name).With("@ciphertext", s.Ciphertext)
        .With("@created", s.CreatedAt).With("@updated", s.UpdatedAt).With("@createdBy", s.CreatedBy).With("@updatedBy", s.UpdatedBy);

    private readonly string _rotate = d.Sql($"UPDATE {d.Table("secrets")} SET ciphertext = @ciphertext, updated_at = @updated, " +
        "updated_by = @updatedBy WHERE tenant_id = @tenant AND name = @name");

    public Statement Rotate(SecretRecord s) => new Statement(_rotate)
        .With("@tenant", s.Tenant).With("@name", s.Name).With("@ciphertext", s.Ciphertext)
        .With("@updated", s.UpdatedAt).With("@updatedBy", s.UpdatedBy);

    private readonly string _byName = d.Sql($"SELECT {ColumnList} FROM {d.Table("secrets")} WHERE tenant_id = @tenant AND name = @name");

    public Statement ByName(TenantId tenant, string name) => new Statement(_byName).With("@tenant", tenant).With("@name", name);

    private readonly string _ofTenant = d.Sql($"SELECT {ColumnList} FROM {d.Table("secrets")} WHERE tenant_id = @tenant ORDER BY name");

    public Statement OfTenant(TenantId tenant) => new Statement(_ofTenant).With("@tenant", tenant);

    private readonly string _delete = d.Sql($"DELETE FROM {d.Table("secrets")} WHERE tenant_id = @tenant AND name = @name");

    public Statement Delete(TenantId tenant, string name) => new Statement(_delete).With("@tenant", tenant).With("@name", name);

    public static SecretRecord Map(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Name = r.Text("name")!,
        Ciphertext = r.GetFieldValue<byte[]>(r.GetOrdinal("ciphertext")),
        CreatedAt = r.Time("created_at"),
        UpdatedAt = r.Time("updated_at"),
        CreatedBy = r.Text("created_by")!,
        UpdatedBy = r.Text("updated_by")!,
    };
}
