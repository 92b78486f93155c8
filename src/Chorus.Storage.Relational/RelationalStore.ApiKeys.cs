using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore
{
    public Task CreateApiKeyAsync(ApiKeyRecord key, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.ApiKeys.Insert(key), ct), ct);

    public Task<ApiKeyRecord?> FindApiKeyAsync(string id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.ApiKeys.Find(id), ApiKeyRows.Map, ct);

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(TenantId tenant, CancellationToken ct) =>
        await ListAsync(Sql.ApiKeys.OfTenant(tenant), ApiKeyRows.Map, ct).ConfigureAwait(false);

    public Task<ApiKeyRecord?> GetApiKeyAsync(TenantId tenant, string id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.ApiKeys.ById(tenant, id), ApiKeyRows.Map, ct);

    public Task<bool> RevokeApiKeyAsync(TenantId tenant, string id, DateTimeOffset at, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.ApiKeys.Revoke(tenant, id, at), ct).ConfigureAwait(false) > 0, ct);

    public Task TouchApiKeyAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.ApiKeys.Touch(id, at), ct), ct);
}
