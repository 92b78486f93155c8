using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task SetTenantTierAsync_AssignsThenReplaces_PerTenant()
    {
        Assert.Null(await Store.GetTenantTierAsync(TenantA, Ct));

        await Store.SetTenantTierAsync(new TenantTierRecord { Tenant = TenantA, Tier = "free", UpdatedAt = T0, UpdatedBy = "ops" }, Ct);
        await Store.SetTenantTierAsync(new TenantTierRecord { Tenant = TenantB, Tier = "free", UpdatedAt = T0, UpdatedBy = "ops" }, Ct);
        var upgraded = new TenantTierRecord { Tenant = TenantA, Tier = "professional", UpdatedAt = T0.AddHours(1), UpdatedBy = "billing" };
        await Store.SetTenantTierAsync(upgraded, Ct);

        Assert.Equal(upgraded, await Store.GetTenantTierAsync(TenantA, Ct));
        Assert.Equal("free", (await Store.GetTenantTierAsync(TenantB, Ct))!.Tier);
    }

    [Fact]
    public async Task SaveTierDefinitionAsync_KeepsTheLimitsAsWrittenAndReplacesByName()
    {
        var gold = new TierDefinitionRecord
        {
            Name = "gold", Limits = new JsonObject { ["max_workflows"] = 20, ["step_types"] = new JsonArray("output", "http") },
            UpdatedAt = T0, UpdatedBy = "ops",
        };
        await Store.SaveTierDefinitionAsync(gold, Ct);
        await Store.SaveTierDefinitionAsync(gold with { Name = "bronze", Limits = new JsonObject { ["max_workflows"] = 1 } }, Ct);
        await Store.SaveTierDefinitionAsync(gold with { Limits = new JsonObject { ["max_workflows"] = 40 }, UpdatedBy = "ops2" }, Ct);

        var definitions = await Store.ListTierDefinitionsAsync(Ct);

        Assert.Equal(["bronze", "gold"], definitions.Select(d => d.Name));
        Assert.Equal("""{"max_workflows":40}""", definitions[1].Limits.ToJsonString());
        Assert.Equal("ops2", definitions[1].UpdatedBy);
    }
}
