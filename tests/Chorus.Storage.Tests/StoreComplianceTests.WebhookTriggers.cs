using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static WebhookTriggerRecord Webhook(TenantId tenant, Guid workflowId, DateTimeOffset? createdAt = null, byte fill = 1) => new()
    {
        Tenant = tenant,
        Id = Guid.NewGuid(),
        WorkflowId = workflowId,
        Settings = new JsonObject { ["auth_mode"] = "hmac", ["headers"] = new JsonArray("x-github-event"), ["max_body_bytes"] = 1024 },
        SecretCiphertext = [.. Enumerable.Range(0, 44).Select(i => (byte)(i + fill))],
        Enabled = true,
        CreatedAt = createdAt ?? T0,
        UpdatedAt = createdAt ?? T0,
    };

    /// <summary>Records compare their JSON and byte arrays by reference; this compares what the store keeps.</summary>
    private static void AssertWebhook(WebhookTriggerRecord expected, WebhookTriggerRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.SecretCiphertext, actual.SecretCiphertext);
        Assert.True(JsonNode.DeepEquals(expected.Settings, actual.Settings), actual.Settings.ToJsonString());
        Assert.Equal(expected with { Settings = actual.Settings, SecretCiphertext = actual.SecretCiphertext }, actual);
    }

    [Fact]
    public async Task WebhookTrigger_Created_IsReadByTenantAndFoundByIdAlone()
    {
        var trigger = Webhook(TenantA, Guid.NewGuid());

        await Store.CreateWebhookTriggerAsync(trigger, Ct);

        AssertWebhook(trigger, await Store.GetWebhookTriggerAsync(TenantA, trigger.Id, Ct));
        AssertWebhook(trigger, await Store.FindWebhookTriggerAsync(trigger.Id, Ct));
        AssertWebhook(trigger, Assert.Single(await Store.ListWebhookTriggersAsync(TenantA, trigger.WorkflowId, Ct)));
        Assert.Null(await Store.FindWebhookTriggerAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task WebhookTriggers_OfAnotherTenant_AreNeitherReadNorListedNorChangedNorDeleted()
    {
        var trigger = Webhook(TenantA, Guid.NewGuid());
        await Store.CreateWebhookTriggerAsync(trigger, Ct);

        Assert.Null(await Store.GetWebhookTriggerAsync(TenantB, trigger.Id, Ct));
        Assert.Empty(await Store.ListWebhookTriggersAsync(TenantB, trigger.WorkflowId, Ct));
        Assert.False(await Store.UpdateWebhookTriggerAsync(trigger with { Tenant = TenantB, Enabled = false }, Ct));
        Assert.False(await Store.DeleteWebhookTriggerAsync(TenantB, trigger.Id, Ct));
        AssertWebhook(trigger, await Store.GetWebhookTriggerAsync(TenantA, trigger.Id, Ct));
    }

    [Fact]
    public async Task WebhookTrigger_Updated_KeepsItsCreationAndSurvivesReopen_ThenDeletes()
    {
        var trigger = Webhook(TenantA, Guid.NewGuid());
        await Store.CreateWebhookTriggerAsync(trigger, Ct);
        var changed = trigger with
        {
            Settings = new JsonObject { ["auth_mode"] = "hmac_or_token", ["headers"] = new JsonArray() },
            SecretCiphertext = [.. Enumerable.Range(0, 44).Select(i => (byte)(200 - i))],
            Enabled = false,
            UpdatedAt = T0.AddHours(1),
        };

        Assert.True(await Store.UpdateWebhookTriggerAsync(changed, Ct));
        await ReopenAsync();

        AssertWebhook(changed, await Store.GetWebhookTriggerAsync(TenantA, trigger.Id, Ct));
        Assert.True(await Store.DeleteWebhookTriggerAsync(TenantA, trigger.Id, Ct));
        Assert.Null(await Store.FindWebhookTriggerAsync(trigger.Id, Ct));
        Assert.False(await Store.DeleteWebhookTriggerAsync(TenantA, trigger.Id, Ct));
    }

    [Fact]
    public async Task WebhookTriggersAndSchedules_ShareTheTableWithoutSeeingEachOther()
    {
        var workflow = Guid.NewGuid();
        var first = Webhook(TenantA, workflow, T0);
        var second = Webhook(TenantA, workflow, T0.AddMinutes(1), fill: 7);
        await Store.CreateWebhookTriggerAsync(second, Ct);
        await Store.CreateWebhookTriggerAsync(first, Ct);
        var schedule = Schedule(TenantA, workflow);
        await InsertScheduleAsync(schedule);

        var webhooks = await Store.ListWebhookTriggersAsync(TenantA, workflow, Ct);

        Assert.Equal([first.Id, second.Id], webhooks.Select(w => w.Id));
        Assert.Equal(schedule.Id, Assert.Single(await Store.ListSchedulesAsync(TenantA, workflow, Ct)).Id);
        Assert.Null(await Store.GetWebhookTriggerAsync(TenantA, schedule.Id, Ct));
        Assert.Null(await Store.FindWebhookTriggerAsync(schedule.Id, Ct));
        Assert.False(await Store.DeleteWebhookTriggerAsync(TenantA, schedule.Id, Ct));
        Assert.Null(await Store.GetScheduleAsync(TenantA, first.Id, Ct));
        Assert.NotNull(await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
    }
}
