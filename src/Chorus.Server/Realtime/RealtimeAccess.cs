using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Server.Security;
using Microsoft.AspNetCore.Authentication;

namespace Chorus.Server.Realtime;

/// <summary>The one place that decides who a WebSocket client is and what it may watch. A credential is verified
/// exactly as on the REST API: in the upgrade request's headers, or in an authenticate message.</summary>
internal sealed class RealtimeAccess(CredentialVerifier verifier, ApiKeyVerifier apiKeys, ApiKeyRevocations revocations)
{
    /// <summary>From the upgrade request's credential and X-Tenant-ID, or null when it presents no credential: the
    /// client must then send an authenticate message before it subscribes. A refused credential or tenant is an
    /// HTTP error before the upgrade, as on every route.</summary>
    public static async Task<Caller?> FromUpgradeRequestAsync(HttpContext http)
    {
        var tenantHeader = http.Request.Headers["X-Tenant-ID"].ToString();
        if (string.IsNullOrEmpty(http.Request.Headers.Authorization.ToString()) && AuthSchemes.PresentedApiKey(http.Request) is null)
        {
            if (tenantHeader.Length > 0 && !TenantId.IsValid(tenantHeader))
                throw new ChorusException(ErrorCodes.InvalidInput, "X-Tenant-ID must be 1-64 letters, digits, '-', '_' or '.'.",
                    new JsonObject { ["field"] = "X-Tenant-ID" });
            return null;
        }
        var result = await http.AuthenticateAsync(AuthSchemes.Default).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new ChorusException(ErrorCodes.Unauthorized, CredentialFailures.Describe(result.Failure));
        return CallerResolution.From(result.Principal, tenantHeader);
    }

    /// <summary>From <c>{"action": "authenticate", "token", "tenant_id"}</c>. Without <c>tenant_id</c> the connection
    /// keeps the tenant it has, or takes the credential's default. A connection acts for one tenant for its whole
    /// life: naming another is refused. Authenticating again with a fresh token extends the connection's life.</summary>
    public async Task<Caller> AuthenticateAsync(string? token, string? tenantId, Caller? current)
    {
        if (tenantId is not null && !TenantId.IsValid(tenantId))
            throw new ChorusException(ErrorCodes.InvalidInput, "tenant_id must be 1-64 letters, digits, '-', '_' or '.'.",
                new JsonObject { ["field"] = "tenant_id" });
        if (string.IsNullOrEmpty(token))
            throw new ChorusException(ErrorCodes.Unauthorized, "The authenticate message needs a token: a JWT or an API key.",
                new JsonObject { ["field"] = "token" });
        var principal = token.StartsWith(AuthSchemes.ApiKeyPrefix, StringComparison.Ordinal)
            ? await VerifyApiKeyAsync(token).ConfigureAwait(false)
            : await verifier.VerifyAsync(token).ConfigureAwait(false);
        var caller = CallerResolution.From(principal, tenantId ?? current?.Tenant.Value);
        if (current is not null && current.Tenant != caller.Tenant)
            throw new ChorusException(ErrorCodes.PermissionDenied,
                $"This connection acts for tenant '{current.Tenant}'; open another connection for tenant '{caller.Tenant}'.",
                new JsonObject { ["field"] = "tenant_id", ["tenant_id"] = current.Tenant.Value });
        return caller;
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> VerifyApiKeyAsync(string key)
    {
        var check = await apiKeys.VerifyAsync(key, CancellationToken.None).ConfigureAwait(false);
        return check.Principal ?? throw new ChorusException(ErrorCodes.Unauthorized, check.Failure ?? ApiKeyVerifier.Refusal);
    }

    /// <summary>all_workflows and all_executions are for admins. Events never cross tenants either way:
    /// subscriptions are kept per tenant.</summary>
    public static bool MayWatchWholeTenant(Caller caller) => caller.Has(Role.Admin);

    /// <summary>Whether the caller's credential has expired: such a connection gets no more events.</summary>
    public static bool HasExpired(Caller caller, DateTimeOffset now) => caller.ExpiresAt is { } expires && expires <= now;

    /// <summary>Whether the caller's API key has been revoked since it was verified: such a connection gets no more
    /// events either. Never waits for the store (see <see cref="ApiKeyRevocations"/>).</summary>
    public bool IsRevoked(Caller caller) => caller.ApiKeyId is { } id && revocations.IsRevoked(id);

    /// <summary>Raised with a key's id when it becomes known revoked.</summary>
    public event Action<string>? KeyRevoked
    {
        add => revocations.KeyRevoked += value;
        remove => revocations.KeyRevoked -= value;
    }
}
