using System.Security.Claims;
using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Security;

/// <summary>Turns a verified credential's claims into a <see cref="Caller"/>: its tenants, the one this request
/// selects, and its role. The claim names are <see cref="ChorusClaims"/>, nothing else.</summary>
internal static class CallerResolution
{
    /// <param name="requestedTenant">The X-Tenant-ID header, or null/empty for the credential's default tenant.</param>
    public static Caller From(ClaimsPrincipal principal, string? requestedTenant)
    {
        if (!string.IsNullOrEmpty(requestedTenant) && !TenantId.IsValid(requestedTenant))
            throw new ChorusException(ErrorCodes.InvalidInput, "X-Tenant-ID must be 1-64 letters, digits, '-', '_' or '.'.",
                new JsonObject { ["field"] = "X-Tenant-ID" });
        var defaultTenant = principal.FindFirst(ChorusClaims.TenantId)?.Value;
        var tenants = new List<TenantId>();
        foreach (var claim in principal.FindAll(c => c.Type is ChorusClaims.TenantId or ChorusClaims.Tenants))
            if (TenantId.IsValid(claim.Value) && !tenants.Contains(new TenantId(claim.Value)))
                tenants.Add(new TenantId(claim.Value));
        if (tenants.Count == 0)
            throw Denied("The credential names no tenant: it needs a tenant_id or tenants claim.");

        var role = HighestRole(principal)
            ?? throw Denied("The credential carries no role Chorus knows: its role or roles claim must name admin, member or viewer.");
        var tenant = Select(tenants, defaultTenant, requestedTenant);
        var subject = principal.FindFirst(ChorusClaims.Subject)?.Value is { Length: > 0 } sub ? sub : "unknown";
        var expires = principal.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        // Only the API key handler makes identities of this type; a token's api_key_id claim, if any, means nothing.
        var apiKeyId = principal.Identity?.AuthenticationType == AuthSchemes.ApiKey ? principal.FindFirst(ApiKeyVerifier.ApiKeyIdClaim)?.Value : null;
        return new Caller(subject, tenant, tenants, role, expires) { ApiKeyId = apiKeyId };
    }

    private static TenantId Select(List<TenantId> allowed, string? defaultTenant, string? requested)
    {
        if (string.IsNullOrEmpty(requested))
        {
            if (defaultTenant is not null && TenantId.IsValid(defaultTenant))
                return new TenantId(defaultTenant);
            return allowed.Count == 1 ? allowed[0]
                : throw Denied("The credential allows several tenants and names no default: choose one with X-Tenant-ID.");
        }
        var tenant = new TenantId(requested);
        return allowed.Contains(tenant) ? tenant
            : throw new ChorusException(ErrorCodes.PermissionDenied, $"This credential may not act for tenant '{requested}'.",
                new JsonObject { ["tenant_id"] = requested });
    }

    private static Role? HighestRole(ClaimsPrincipal principal)
    {
        Role? highest = null;
        foreach (var claim in principal.FindAll(c => c.Type is ChorusClaims.Role or ChorusClaims.Roles))
            if (Roles.Parse(claim.Value) is { } role && (highest is null || role > highest))
                highest = role;
        return highest;
    }

    private static ChorusException Denied(string message) => new(ErrorCodes.PermissionDenied, message);
}
