using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Realtime;

/// <summary>A client only ever receives its own tenant's events, whatever ids it subscribes to.</summary>
public sealed class RealtimeTenancyTests(RealtimeServer server) : IClassFixture<RealtimeServer>
{
    private readonly HttpClient _api = server.Client;
    private readonly string _owner = ApiCalls.NewTenant();
    private readonly string _stranger = ApiCalls.NewTenant();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StrangerSubscribedToTheOwnersIds_ReceivesNoneOfTheOwnersEvents(bool tenantByHeader)
    {
        var ownerWorkflow = await _api.CreateWorkflow(_owner, RealtimeWorkflows.HoldThenGreet());
        var ownerExecution = await _api.Execute(_owner, ownerWorkflow, new JsonObject { ["name"] = "owner" });
        await _api.WaitForStatus(_owner, ownerExecution, "waiting");
        var strangerWorkflow = await _api.CreateWorkflow(_stranger, Definitions.Greeting());
        await using var owner = await server.ConnectAsync(_owner);
        await owner.SubscribeAsync($"execution:{ownerExecution}");
        await using var stranger = await server.ConnectAsync(tenantByHeader ? _stranger : null);
        if (!tenantByHeader)
            Assert.Equal("authenticated", (string?)(await stranger.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = TestTokens.For(_stranger), ["tenant_id"] = _stranger }))["type"]);
        await stranger.SubscribeAsync($"execution:{ownerExecution}", $"workflow:{ownerWorkflow}", "all_executions", "all_workflows");

        (await _api.Post($"/api/executions/{ownerExecution}/events", _owner, new JsonObject { ["name"] = "go" })).Expect(HttpStatusCode.Accepted);
        await _api.WaitForCompletion(_owner, ownerExecution);
        (await _api.Patch($"/api/workflows/{ownerWorkflow}", _owner, new JsonObject { ["status"] = "archived" })).Expect(HttpStatusCode.OK);
        // The stranger's own execution is committed after all of the owner's events: once its completion has
        // arrived, any of the owner's events routed to the stranger would have arrived before it.
        var barrier = await _api.Execute(_stranger, strangerWorkflow, new JsonObject { ["name"] = "stranger" });
        var seenByStranger = await stranger.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed");
        var seenByOwner = await owner.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed");

        Assert.All(seenByStranger, m => Assert.Equal(barrier, (string?)m["execution_id"]));
        Assert.DoesNotContain(seenByStranger, m => m.ToJsonString().Contains(ownerExecution) || m.ToJsonString().Contains(ownerWorkflow));
        Assert.Contains(seenByOwner, m => (string?)m["event"] == "workflow_step_completed" && (string?)m["step_id"] == "greet");
        Assert.Equal("hello owner", (string?)seenByOwner[^1]["output"]!["greeting"]);
    }
}
