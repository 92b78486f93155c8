using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore
{
    public Task<bool> UpsertSecretAsync(SecretRecord secret, CancellationToken ct) =>
        WithConnectionAsync(async c =>
        {
            // Insert, else rotate; a delete between the two (another request) lets the next insert create it.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (await ExecuteAsync(c, Sql.Secrets.Insert(secret), ct).ConfigureAwait(false) > 0)
                    return true;
                if (await ExecuteAsync(c, Sql.Secrets.Rotate(secret), ct).ConfigureAwait(false) > 0)
                    return false;
            }
            throw new InvalidOperationException($"The secret '{secret.Name}' kept changing while it was written.");
        }, ct);

    public Task<SecretRecord?> GetSecretAsync(TenantId tenant, string name, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Secrets.ByName(tenant, name), SecretRows.Map, ct);

    public async Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(TenantId tenant, CancellationToken ct) =>
        await ListAsync(Sql.Secrets.OfTenant(tenant), SecretRows.Map, ct).ConfigureAwait(false);

    public Task<bool> DeleteSecretAsync(TenantId tenant, string name, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.Secrets.Delete(tenant, name), ct).ConfigureAwait(false) > 0, ct);
}
