using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The api_keys table. Every statement but the lookup of a presented key names the tenant.</summary>
internal sealed class ApiKeyRows(SqlDialect d)
{
    private const string ColumnList = "id, tenant_id, name, role, hash, created_at, created_by, last_used_at, revoked_at";

    private readonly string _insert = d.Sql($"INSERT INTO {d.Table("api_keys")} ({ColumnList}) " +
        "VALUES (@id, @tenant, @name, @role, @hash, @created, @createdBy, @lastUsed, @revoked)");

    public Statement Insert(ApiKeyRecord k) => new Statement(_insert)
        .With("@id", k.Id).With("@tenant", k.Tenant).With("@name", k.Name).With("@role", k.Role).With("@hash", k.Hash)
        .With("@created", k.CreatedAt).With("@createdBy", k.CreatedBy).With("@lastUsed", k.LastUsedAt).With("@revoked", k.RevokedAt);

    private readonly string _find = d.Sql($"SELECT {ColumnList} FROM {d.Table("api_keys")} WHERE id = @id");

    public Statement Find(string id) => new Statement(_find).With("@id", id);

    private readonly string _byId = d.Sql($"SELECT {ColumnList} FROM {d.Table("api_keys")} WHERE tenant_id = @tenant AND id = @id");

    public Statement ById(TenantId tenant, string id) => new Statement(_byId).With("@tenant", tenant).With("@id", id);

    private readonly string _ofTenant = d.Sql($"SELECT {ColumnList} FROM {d.Table("api_keys")} WHERE tenant_id = @tenant ORDER BY created_at, id");

    public Statement OfTenant(TenantId tenant) => new Statement(_ofTenant).With("@tenant", tenant);

    // COALESCE keeps the first revocation's time: revoking twice changes nothing.
    private readonly string _revoke = d.Sql($"UPDATE {d.Table("api_keys")} SET revoked_at = COALESCE(revoked_at, @at) WHERE tenant_id = @tenant AND id = @id");

    public Statement Revoke(TenantId tenant, string id, DateTimeOffset at) => new Statement(_revoke).With("@tenant", tenant).With("@id", id).With("@at", at);

    // Two nodes touching one key out of order must not move its last use back.
    private readonly string _touch = d.Sql($"UPDATE {d.Table("api_keys")} SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)");

    public Statement Touch(string id, DateTimeOffset at) => new Statement(_touch).With("@id", id).With("@at", at);

    public static ApiKeyRecord Map(DbDataReader r) => new()
    {
        Id = r.Text("id")!,
        Tenant = new TenantId(r.Text("tenant_id")!),
        Name = r.Text("name")!,
        Role = r.Text("role")!,
        Hash = r.GetFieldValue<byte[]>(r.GetOrdinal("hash")),
        CreatedAt = r.Time("created_at"),
        CreatedBy = r.Text("created_by")!,
        LastUsedAt = r.OptionalTime("last_used_at"),
        RevokedAt = r.OptionalTime("revoked_at"),
    };
}
