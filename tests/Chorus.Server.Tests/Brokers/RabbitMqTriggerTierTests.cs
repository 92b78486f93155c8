using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Brokers;

/// <summary>The tier flag broker_triggers against a real broker: a tier without it refuses creating and changing
/// triggers, and a tenant moved onto such a tier keeps its triggers but they start nothing; its messages wait in the
/// queue and start once the tenant is back on a tier with broker triggers.</summary>
public sealed class RabbitMqTriggerTierTests(RabbitMqFixture fixture) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly HttpClient _client = fixture.Server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly string _queue = "tiered-" + Guid.NewGuid().ToString("N")[..8];
    private readonly RabbitMqClient _rabbit = new(fixture.Broker.Url);

    public Task InitializeAsync() => _rabbit.DeclareQueueAsync(_queue);

    public async Task DisposeAsync() => await _rabbit.DisposeAsync();

    private async Task MoveToTierAsync(string tier) =>
        (await _client.Send(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", _tenant, ApiCalls.Json(new JsonObject { ["tier"] = tier }),
            headers: [new("Authorization", $"Bearer {TestTokens.For(_tenant, Role.Operator)}")])).Expect(HttpStatusCode.OK);

    [Fact]
    public async Task OnTheFreeTier_CreatingOrChangingATrigger_Is403TierRestriction_AndChangesNothing()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var triggerId = await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue);
        await _client.PutSecretAsync(_tenant, "rabbit", fixture.Broker.Url);
        await MoveToTierAsync("free");

        var create = await _client.Post(RabbitMqTriggers.Of(workflowId), _tenant, new JsonObject { ["secret"] = "rabbit", ["queue"] = "other" });
        var change = await _client.Patch($"{RabbitMqTriggers.Of(workflowId)}/{triggerId}", _tenant, new JsonObject { ["queue"] = "other" });
        var list = (await _client.Get(RabbitMqTriggers.Of(workflowId), _tenant)).Expect(HttpStatusCode.OK);

        foreach (var refused in new[] { create, change })
        {
            refused.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
            Assert.Equal("free", refused.Str("error.details.tier"));
            Assert.Equal("broker_triggers", refused.Str("error.details.limit"));
            Assert.NotNull(refused.Str("error.request_id"));
        }
        var only = Assert.Single(list.Node("items")!.AsArray());
        Assert.Equal(_queue, (string?)only!["queue"]);
        // Enabled, but not read while the tier has no broker triggers.
        Assert.Equal(true, (bool?)only["enabled"]);
        Assert.Equal(false, (bool?)only["active"]);
        // Deleting stays open, so the tenant can clean up.
        (await _client.Delete($"{RabbitMqTriggers.Of(workflowId)}/{triggerId}", _tenant)).Expect(HttpStatusCode.NoContent);
        var tiers = (await _client.Get("/api/tiers", _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray();
        Assert.Equal(false, (bool?)tiers.Single(t => (string?)t!["name"] == "free")!["limits"]!["broker_triggers"]);
        Assert.Equal(true, (bool?)tiers.Single(t => (string?)t!["name"] == "professional")!["limits"]!["broker_triggers"]);
    }

    [Fact]
    public async Task ATenantMovedToATierWithoutBrokerTriggers_StartsNothing_ItsMessagesWait_AndStartWhenItIsBack()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        await _client.CreateTriggerAsync(_tenant, workflowId, fixture.Broker.Url, _queue);
        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["n"] = 1 }), messageId: "before");
        Assert.Single(await _client.WaitForExecutionsAsync(_tenant, workflowId, 1));

        await MoveToTierAsync("free");
        // The consumers follow the tier within a refresh (2 s).
        await Task.Delay(TimeSpan.FromSeconds(4));
        await _rabbit.PublishAsync(_queue, RabbitMqClient.Json(new JsonObject { ["n"] = 2 }), messageId: "while-free");
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Single(await _client.ExecutionsAsync(_tenant, workflowId));
        Assert.Equal(1u, await _rabbit.ReadyAsync(_queue));
        Assert.Empty(await _rabbit.DrainAsync(_queue + ".dead"));

        await MoveToTierAsync("professional");
        var shown = (await _client.Get(RabbitMqTriggers.Of(workflowId), _tenant)).Expect(HttpStatusCode.OK).Node("items")![0]!;
        Assert.Equal(true, (bool?)shown["active"]);
        var executions = await _client.WaitForExecutionsAsync(_tenant, workflowId, 2);
        Assert.Equal(2, executions.Count);
        Assert.Contains(executions, e => (int?)e["input"]!["n"] == 2);
        Assert.Equal(0u, await _rabbit.ReadyAsync(_queue));
    }
}
