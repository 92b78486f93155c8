using Chorus.Engine;

namespace Chorus.Server.Security;

/// <summary>Who made a request, as its verified credential says, and the tenant it acts for.</summary>
/// <param name="Subject">The token's <c>sub</c>, or <c>apikey:ID</c> for an API key.</param>
/// <param name="Tenant">The tenant this request acts for: the X-Tenant-ID header when the credential allows it,
/// else the credential's default tenant.</param>
/// <param name="Tenants">Every tenant the credential allows.</param>
/// <param name="ExpiresAt">When the credential stops being valid; null for an API key (valid until revoked).</param>
public sealed record Caller(string Subject, TenantId Tenant, IReadOnlyList<TenantId> Tenants, Role Role, DateTimeOffset? ExpiresAt)
{
    /// <summary>The id of the API key this caller presented; null for a token. A long-lived connection checks that
    /// the key is still not revoked.</summary>
    public string? ApiKeyId { get; init; }

    public bool Has(Role least) => Role >= least;
}
