using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tiers;

/// <summary>The tier table (built-in tiers, overridden or extended by the operator's definitions) and which tier
/// each tenant is on (its assignment, or DEFAULT_TIER).</summary>
internal sealed class TierCatalog(ITierStore store, ServerOptions options)
{
    public async Task<IReadOnlyDictionary<string, TierLimits>> TiersAsync(CancellationToken ct)
    {
        var tiers = new Dictionary<string, TierLimits>(BuiltInTiers.All, StringComparer.Ordinal);
        foreach (var definition in await store.ListTierDefinitionsAsync(ct).ConfigureAwait(false))
            tiers[definition.Name] = TierLimits.FromJson(definition.Limits);
        return tiers;
    }

    /// <summary>The tenant's tier and its limits. A tier name that is no longer in the table (the table is
    /// configuration) falls back to the default tier rather than to no limits.</summary>
    public async Task<(string Name, TierLimits Limits)> OfTenantAsync(TenantId tenant, CancellationToken ct)
    {
        var tiers = await TiersAsync(ct).ConfigureAwait(false);
        var assigned = (await store.GetTenantTierAsync(tenant, ct).ConfigureAwait(false))?.Tier;
        if (assigned is not null && tiers.TryGetValue(assigned, out var limits))
            return (assigned, limits);
        return (options.DefaultTier, tiers.TryGetValue(options.DefaultTier, out var fallback) ? fallback : BuiltInTiers.All["free"]);
    }
}
