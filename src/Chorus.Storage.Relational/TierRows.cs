using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The tenant_tiers and tier_definitions tables.</summary>
internal sealed class TierRows(SqlDialect d)
{
    private readonly string _tenantTier = d.Sql($"SELECT tenant_id, tier, updated_at, updated_by FROM {d.Table("tenant_tiers")} WHERE tenant_id = @tenant");

    public Statement TenantTier(TenantId tenant) => new Statement(_tenantTier).With("@tenant", tenant);

    private readonly string _tenantTiers = d.Sql($"SELECT tenant_id, tier, updated_at, updated_by FROM {d.Table("tenant_tiers")} ORDER BY tenant_id");

    public Statement TenantTiers() => new(_tenantTiers);

    private readonly string _assign = d.Sql($"INSERT INTO {d.Table("tenant_tiers")} (tenant_id, tier, updated_at, updated_by) " +
        "VALUES (@tenant, @tier, @at, @by) ON CONFLICT (tenant_id) DO UPDATE SET tier = excluded.tier, updated_at = excluded.updated_at, updated_by = excluded.updated_by");

    public Statement Assign(TenantTierRecord a) =>
        new Statement(_assign).With("@tenant", a.Tenant).With("@tier", a.Tier).With("@at", a.UpdatedAt).With("@by", a.UpdatedBy);

    private readonly string _definitions = d.Sql($"SELECT name, limits, updated_at, updated_by FROM {d.Table("tier_definitions")} ORDER BY name");

    public Statement Definitions() => new(_definitions);

    private readonly string _saveDefinition = d.Sql($"INSERT INTO {d.Table("tier_definitions")} (name, limits, updated_at, updated_by) " +
        "VALUES (@name, @limits, @at, @by) ON CONFLICT (name) DO UPDATE SET limits = excluded.limits, updated_at = excluded.updated_at, updated_by = excluded.updated_by");

    public Statement SaveDefinition(TierDefinitionRecord t) => new Statement(_saveDefinition)
        .With("@name", t.Name).With("@limits", new JsonText(t.Limits.ToJsonString(), Exact: true)).With("@at", t.UpdatedAt).With("@by", t.UpdatedBy);

    public static TenantTierRecord MapTenantTier(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Tier = r.Text("tier")!,
        UpdatedAt = r.Time("updated_at"),
        UpdatedBy = r.Text("updated_by")!,
    };

    public static TierDefinitionRecord MapDefinition(DbDataReader r) => new()
    {
        Name = r.Text("name")!,
        Limits = (JsonObject)r.Json("limits")!,
        UpdatedAt = r.Time("updated_at"),
        UpdatedBy = r.Text("updated_by")!,
    };
}
