using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Server.Api;

namespace Chorus.Server.Realtime;

/// <summary>Who a WebSocket client is: the tenant whose events it receives. Set once per connection.</summary>
/// <param name="Token">The bearer token it presented, if any; kept for the role checks that come with JWT.</param>
internal sealed record ConnectionIdentity(TenantId Tenant, string? Token);

/// <summary>The one place that decides who a WebSocket client is and what it may watch.
/// SPEC §7 asks for a verified JWT. The server has no JWT support yet, so today a token is accepted WITHOUT
/// verification and the tenant is taken as the client names it, exactly as the REST API takes X-Tenant-ID.
/// The auth work replaces the bodies of these methods (verify the token, check the tenant against its claims,
/// read the role); nothing else in the WebSocket code decides identity or permissions.</summary>
internal static class RealtimeAccess
{
    /// <summary>From the upgrade request: the <c>X-Tenant-ID</c> header, or null when there is none, in which case
    /// the client must send an authenticate message before it subscribes. A malformed header is refused before
    /// the upgrade, as on every route.</summary>
    public static ConnectionIdentity? FromUpgradeRequest(HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Request.Headers["X-Tenant-ID"].ToString()))
            return null;
        var bearer = http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim() : null;
        return new ConnectionIdentity(http.Tenant(), bearer);
    }

    /// <summary>From <c>{"action": "authenticate", "token", "tenant_id"}</c>. Without <c>tenant_id</c> the connection
    /// keeps the tenant it has, or takes the default tenant (as a REST call without X-Tenant-ID does). A
    /// connection acts for one tenant for its whole life: naming another is refused.</summary>
    public static ConnectionIdentity Authenticate(string? token, string? tenantId, ConnectionIdentity? current)
    {
        // Not verified until JWT support lands (see the class comment).
        if (tenantId is not null && !TenantId.IsValid(tenantId))
            throw new ChorusException(ErrorCodes.InvalidInput, "tenant_id must be 1-64 letters, digits, '-', '_' or '.'.",
                new JsonObject { ["field"] = "tenant_id" });
        var tenant = tenantId is null ? current?.Tenant ?? TenantId.Default : new TenantId(tenantId);
        if (current is not null && current.Tenant != tenant)
            throw new ChorusException(ErrorCodes.PermissionDenied,
                $"This connection acts for tenant '{current.Tenant}'; open another connection for tenant '{tenant}'.",
                new JsonObject { ["field"] = "tenant_id", ["tenant_id"] = current.Tenant.Value });
        return new ConnectionIdentity(tenant, token ?? current?.Token);
    }

    /// <summary>all_workflows and all_executions are for admins (SPEC §6). Without roles yet, every client may watch
    /// its own tenant whole; the role check goes here. Events never cross tenants either way: subscriptions are
    /// kept per tenant.</summary>
    public static bool MayWatchWholeTenant(ConnectionIdentity identity) => true;
}
