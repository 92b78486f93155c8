using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;

namespace Chorus.Server.Tiers;

/// <summary>The tier table and each tenant's tier and usage. A tenant's members read their own usage; only the
/// server's operator (role <c>operator</c>) changes tiers or looks at other tenants.</summary>
internal static class TiersApi
{
    private const int MaxTierNameLength = 64;

    public static void MapTiers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tiers", ListTiers).RequireRole(Role.Viewer).Bodies(response: "TierList");
        app.MapPut("/api/tiers/{name}", SaveTier).RequireRole(Role.Operator).Bodies("TierLimits", "Tier");
        app.MapGet("/api/usage", (HttpContext http, TierCatalog catalog, TierChecks checks, IWorkflowStore workflows) =>
            UsageAsync(http.Tenant(), catalog, checks, workflows, http.RequestAborted)).RequireRole(Role.Viewer).Bodies(response: "Usage");
        app.MapPut("/api/tenants/{tenant}/tier", AssignTier).RequireRole(Role.Operator).Bodies("TierAssignmentRequest", "TierAssignment");
        app.MapGet("/api/tenants/{tenant}/usage", (HttpContext http, string tenant, TierCatalog catalog, TierChecks checks, IWorkflowStore workflows) =>
            UsageAsync(TenantFrom(tenant), catalog, checks, workflows, http.RequestAborted)).RequireRole(Role.Operator).Bodies(response: "Usage");
    }

    private static async Task<IResult> ListTiers(HttpContext http, TierCatalog catalog, Hosting.ServerOptions options)
    {
        var tiers = await catalog.TiersAsync(http.RequestAborted);
        var items = new JsonArray(tiers.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (JsonNode?)new JsonObject { ["name"] = t.Key, ["limits"] = t.Value.ToJson() }).ToArray());
        return TypedResults.Json(new JsonObject { ["items"] = items, ["default_tier"] = options.DefaultTier });
    }

    private static async Task<IResult> SaveTier(HttpContext http, string name, ITierStore store, TierQuotas quotas, TimeProvider time)
    {
        if (name.Length is 0 or > MaxTierNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ChorusException(ErrorCodes.InvalidInput, $"A tier name is 1-{MaxTierNameLength} letters, digits, '-' or '_'.", new JsonObject { ["field"] = "name" });
        var limits = TierLimits.FromJson(await http.ReadObjectAsync());
        await store.SaveTierDefinitionAsync(new TierDefinitionRecord
        {
            Name = name, Limits = limits.ToJson(), UpdatedAt = time.GetUtcNow(), UpdatedBy = http.Caller().Subject,
        }, http.RequestAborted);
        await quotas.RefreshAsync(http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["name"] = name, ["limits"] = limits.ToJson() });
    }

    private static async Task<IResult> AssignTier(HttpContext http, string tenant, TierCatalog catalog, ITierStore store, TierQuotas quotas, TimeProvider time)
    {
        var body = await http.ReadObjectAsync();
        var tier = body["tier"] is JsonValue v && v.TryGetValue<string>(out var t) ? t
            : throw new ChorusException(ErrorCodes.InvalidInput, "The body must name the tier: {\"tier\": \"professional\"}.", new JsonObject { ["field"] = "tier" });
        var tiers = await catalog.TiersAsync(http.RequestAborted);
        if (!tiers.ContainsKey(tier))
            throw new ChorusException(ErrorCodes.InvalidInput, $"There is no tier '{tier}'; the tiers are {string.Join(", ", tiers.Keys.Order(StringComparer.Ordinal))}.",
                new JsonObject { ["field"] = "tier" });
        var assignment = new TenantTierRecord { Tenant = TenantFrom(tenant), Tier = tier, UpdatedAt = time.GetUtcNow(), UpdatedBy = http.Caller().Subject };
        await store.SetTenantTierAsync(assignment, http.RequestAborted);
        await quotas.RefreshAsync(http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["tenant_id"] = assignment.Tenant.Value, ["tier"] = tier,
            ["updated_at"] = assignment.UpdatedAt.ToString("O"), ["updated_by"] = assignment.UpdatedBy,
        });
    }

    /// <summary>Each limit of the tenant's tier beside its current use.</summary>
    private static async Task<IResult> UsageAsync(TenantId tenant, TierCatalog catalog, TierChecks checks, IWorkflowStore workflows, CancellationToken ct)
    {
        var (tier, limits) = await catalog.OfTenantAsync(tenant, ct);
        var usage = new JsonObject
        {
            ["workflows"] = (await workflows.ListWorkflowsAsync(tenant, 0, 1, ct)).Total,
            ["executions_today"] = await checks.ExecutionsTodayAsync(tenant, ct),
            ["running_executions"] = await checks.RunningExecutionsAsync(tenant, ct),
        };
        return TypedResults.Json(new JsonObject { ["tenant_id"] = tenant.Value, ["tier"] = tier, ["limits"] = limits.ToJson(), ["usage"] = usage });
    }

    private static TenantId TenantFrom(string tenant) => TenantId.IsValid(tenant) ? new TenantId(tenant)
        : throw new ChorusException(ErrorCodes.InvalidInput, "A tenant id is 1-64 letters, digits, '-', '_' or '.'.", new JsonObject { ["field"] = "tenant" });
}
