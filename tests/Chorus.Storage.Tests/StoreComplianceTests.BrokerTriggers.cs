using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static BrokerTriggerRecord Broker(TenantId tenant, Guid workflowId, string kind = "rabbitmq", bool enabled = true) => new()
    {
        Tenant = tenant,
        Id = Guid.CreateVersion7(),
        WorkflowId = workflowId,
        Kind = kind,
        Settings = new JsonObject { ["secret"] = "rabbit", ["queue"] = "orders", ["prefetch"] = 10 },
        Enabled = enabled,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    private static void AssertBroker(BrokerTriggerRecord expected, BrokerTriggerRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.True(JsonNode.DeepEquals(expected.Settings, actual.Settings), actual.Settings.ToJsonString());
        Assert.Equal(expected with { Settings = actual.Settings }, actual);
    }

    [Fact]
    public async Task BrokerTrigger_Created_IsReadListedUpdatedAndDeleted_InItsTenantAndKindOnly()
    {
        var trigger = Broker(TenantA, Guid.NewGuid());
        await Store.CreateBrokerTriggerAsync(trigger, Ct);

        AssertBroker(trigger, await Store.GetBrokerTriggerAsync(TenantA, "rabbitmq", trigger.Id, Ct));
        AssertBroker(trigger, Assert.Single(await Store.ListBrokerTriggersAsync(TenantA, trigger.WorkflowId, "rabbitmq", Ct)));
        Assert.Null(await Store.GetBrokerTriggerAsync(TenantB, "rabbitmq", trigger.Id, Ct));
        Assert.Null(await Store.GetBrokerTriggerAsync(TenantA, "kafka", trigger.Id, Ct));
        Assert.Empty(await Store.ListBrokerTriggersAsync(TenantA, trigger.WorkflowId, "kafka", Ct));
        Assert.Empty(await Store.ListWebhookTriggersAsync(TenantA, trigger.WorkflowId, Ct));
        Assert.False(await Store.UpdateBrokerTriggerAsync(trigger with { Tenant = TenantB, Enabled = false }, Ct));
        Assert.False(await Store.DeleteBrokerTriggerAsync(TenantB, "rabbitmq", trigger.Id, Ct));
        Assert.False(await Store.DeleteBrokerTriggerAsync(TenantA, "kafka", trigger.Id, Ct));

        var changed = trigger with { Settings = new JsonObject { ["secret"] = "other", ["queue"] = "q2" }, Enabled = false, UpdatedAt = T0.AddMinutes(1) };
        Assert.True(await Store.UpdateBrokerTriggerAsync(changed, Ct));
        AssertBroker(changed, await Store.GetBrokerTriggerAsync(TenantA, "rabbitmq", trigger.Id, Ct));
        Assert.True(await Store.DeleteBrokerTriggerAsync(TenantA, "rabbitmq", trigger.Id, Ct));
        Assert.Null(await Store.GetBrokerTriggerAsync(TenantA, "rabbitmq", trigger.Id, Ct));
    }

    [Fact]
    public async Task EnabledBrokerTriggers_OfEveryTenant_AreListedByKind()
    {
        var a = Broker(TenantA, Guid.NewGuid());
        var b = Broker(TenantB, Guid.NewGuid());
        var disabled = Broker(TenantA, Guid.NewGuid(), enabled: false);
        var kafka = Broker(TenantA, Guid.NewGuid(), kind: "kafka");
        foreach (var trigger in new[] { a, b, disabled, kafka })
            await Store.CreateBrokerTriggerAsync(trigger, Ct);

        var enabled = await Store.ListEnabledBrokerTriggersAsync("rabbitmq", Ct);

        Assert.Equal(new[] { a.Id, b.Id }.Order(), enabled.Select(t => t.Id).Order());
        AssertBroker(kafka, Assert.Single(await Store.ListEnabledBrokerTriggersAsync("kafka", Ct)));
    }
}
