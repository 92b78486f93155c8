using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>Which tier a tenant is on, as an operator assigned it. A tenant without a row is on the default tier.</summary>
public sealed record TenantTierRecord
{
    public required TenantId Tenant { get; init; }
    public required string Tier { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The subject of the operator's credential.</summary>
    public required string UpdatedBy { get; init; }
}

/// <summary>An operator's definition of a tier's limits, replacing the built-in one of the same name.</summary>
public sealed record TierDefinitionRecord
{
    public required string Name { get; init; }
    /// <summary>The limits as the tiers API shows them.</summary>
    public required JsonObject Limits { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required string UpdatedBy { get; init; }
}

/// <summary>Tier assignments and tier definitions. Written by an operator, read on requests that a tier limits.</summary>
public interface ITierStore
{
    Task<TenantTierRecord?> GetTenantTierAsync(TenantId tenant, CancellationToken ct);

    /// <summary>Every tenant's assignment: the tenants not in it are on the default tier.</summary>
    Task<IReadOnlyList<TenantTierRecord>> ListTenantTiersAsync(CancellationToken ct);

    /// <summary>Assigns the tier, replacing any earlier assignment.</summary>
    Task SetTenantTierAsync(TenantTierRecord assignment, CancellationToken ct);

    Task<IReadOnlyList<TierDefinitionRecord>> ListTierDefinitionsAsync(CancellationToken ct);

    /// <summary>Saves the definition, replacing one of the same name.</summary>
    Task SaveTierDefinitionAsync(TierDefinitionRecord definition, CancellationToken ct);
}
