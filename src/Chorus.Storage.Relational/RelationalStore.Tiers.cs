using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore
{
    public Task<TenantTierRecord?> GetTenantTierAsync(TenantId tenant, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Tiers.TenantTier(tenant), TierRows.MapTenantTier, ct);

    public async Task<IReadOnlyList<TenantTierRecord>> ListTenantTiersAsync(CancellationToken ct) =>
        await ListAsync(Sql.Tiers.TenantTiers(), TierRows.MapTenantTier, ct).ConfigureAwait(false);

    public Task SetTenantTierAsync(TenantTierRecord assignment, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.Tiers.Assign(assignment), ct), ct);

    public async Task<IReadOnlyList<TierDefinitionRecord>> ListTierDefinitionsAsync(CancellationToken ct) =>
        await ListAsync(Sql.Tiers.Definitions(), TierRows.MapDefinition, ct).ConfigureAwait(false);

    public Task SaveTierDefinitionAsync(TierDefinitionRecord definition, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.Tiers.SaveDefinition(definition), ct), ct);
}
