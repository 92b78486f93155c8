using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Realtime;

/// <summary>Subscribing to an execution first sends its current state, so a client that arrives late (or
/// reconnects) misses nothing, and never sends an event the snapshot already reflects.</summary>
public sealed class RealtimeSnapshotTests(RealtimeServer server) : IClassFixture<RealtimeServer>
{
    private readonly HttpClient _api = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task SubscribingAfterTheExecutionCompleted_SendsItsStateThenItsCompletion_Once()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        var execution = await _api.WaitForCompletion(_tenant, id);
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"execution:{id}", $"workflow:{workflowId}");

        var update = await client.NextAsync();
        var completed = await client.NextAsync();

        Assert.Equal("workflow_execution_update", Event(update));
        Assert.Equal("workflow_execution_completed", Event(completed));
        Assert.All(new[] { update, completed }, m => Assert.Equal(id, (string?)m["execution_id"]));
        Assert.Equal("completed", (string?)update["status"]);
        Assert.Equal(1.0, (double)update["progress"]!);
        Assert.Equal(execution.Str("current_step"), (string?)update["current_step"]);
        Assert.Equal("completed", (string?)completed["status"]);
        Assert.True(JsonNode.DeepEquals(execution.Node("output"), completed["output"]), completed["output"]?.ToJsonString());
        Assert.Equal("hello Ada", (string?)completed["output"]!["greeting"]);
        await AssertNothingMoreAbout(client, workflowId, id);
    }

    [Fact]
    public async Task SubscribingAfterTheExecutionFailed_SendsItsStateThenItsErrorAsLive()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, RealtimeWorkflows.FailingLookup());
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["customer"] = "Test Company" });
        var execution = await _api.WaitForStatus(_tenant, id, "failed");
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"execution:{id}");

        var received = new[] { await client.NextAsync(), await client.NextAsync(), await client.NextAsync() };

        Assert.Equal(["workflow_execution_update:failed", "workflow_execution_error:", "workflow_execution_completed:failed"],
            received.Select(m => $"{Event(m)}:{(string?)m["status"]}"));
        var error = received[1]["error"]!;
        Assert.True(JsonNode.DeepEquals(execution.Node("error"), error), $"REST {execution.Node("error")?.ToJsonString()}, event {error.ToJsonString()}");
        Assert.Equal("external_service_error", (string?)error["code"]);
        Assert.Equal("Error connecting to the CRM service", (string?)error["message"]);
        await AssertNothingMoreAbout(client, workflowId, id);
    }

    [Fact]
    public async Task SubscribingMidRun_SendsTheStateThenEveryLiveEvent_WithoutGapOrRepeat()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, RealtimeWorkflows.HoldThenGreet());
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        await _api.WaitForStatus(_tenant, id, "waiting");
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"execution:{id}");

        var snapshot = await client.NextAsync();
        Assert.Equal("workflow_execution_update", Event(snapshot));
        Assert.Equal("waiting", (string?)snapshot["status"]);
        Assert.Equal("hold", (string?)snapshot["current_step"]);
        Assert.Equal(0.0, (double)snapshot["progress"]!);
        (await _api.Post($"/api/executions/{id}/events", _tenant, new JsonObject { ["name"] = "go" })).Expect(HttpStatusCode.Accepted);
        var live = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");

        Assert.Equal(
            ["workflow_step_completed:hold", "workflow_execution_update:running", "workflow_step_completed:greet", "workflow_execution_update:running",
             "workflow_step_completed:done", "workflow_execution_update:completed", "workflow_execution_completed:completed"],
            live.Select(m => $"{Event(m)}:{(string?)m["step_id"] ?? (string?)m["status"]}"));
        await AssertNothingMoreAbout(client, workflowId, id);
    }

    [Fact]
    public async Task SubscribingWhileTheExecutionRuns_NeverRepeatsTheCompletion()
    {
        // Whether the subscription lands before, during or after the run, the completion arrives exactly once.
        var workflowId = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        await using var client = await server.ConnectAsync(_tenant);
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        await client.SubscribeAsync($"execution:{id}");

        var received = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");

        Assert.Equal("workflow_execution_update", Event(received[0]));
        Assert.Equal("hello Ada", (string?)received[^1]["output"]!["greeting"]);
        await AssertNothingMoreAbout(client, workflowId, id);
    }

    [Fact]
    public async Task AnotherTenantsEndedExecution_GetsNoSnapshot()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        await _api.WaitForCompletion(_tenant, id);
        var stranger = ApiCalls.NewTenant();
        await using var client = await server.ConnectAsync(stranger);
        await client.SubscribeAsync($"execution:{id}");

        // The stranger's own execution, started afterwards, is the first thing it hears of.
        var barrierWorkflow = await _api.CreateWorkflow(stranger, Definitions.Greeting());
        await client.SubscribeAsync($"workflow:{barrierWorkflow}");
        var barrier = await _api.Execute(stranger, barrierWorkflow, new JsonObject { ["name"] = "stranger" });
        var seen = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");
        Assert.All(seen, m => Assert.Equal(barrier, (string?)m["execution_id"]));
        Assert.DoesNotContain(seen, m => m.ToJsonString().Contains(id));
    }

    /// <summary>Runs another execution of the workflow: once its completion arrives, any repeat of the first
    /// execution's events would have arrived before it.</summary>
    private async Task AssertNothingMoreAbout(RealtimeClient client, string workflowId, string executionId)
    {
        var barrierWorkflow = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        await client.SubscribeAsync($"workflow:{barrierWorkflow}");
        var barrier = await _api.Execute(_tenant, barrierWorkflow, new JsonObject { ["name"] = "barrier" });
        var later = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed" && (string?)m["execution_id"] == barrier);
        Assert.DoesNotContain(later, m => (string?)m["execution_id"] == executionId);
        Assert.All(later, m => Assert.NotEqual(workflowId, (string?)m["workflow_id"]));
    }

    private static string? Event(JsonObject message) => (string?)message["event"];
}
