using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Realtime;

/// <summary>Seed 003's events over the WebSocket, with their fields and values checked against the REST API.</summary>
public sealed class RealtimeEventTests(RealtimeServer server) : IClassFixture<RealtimeServer>
{
    private readonly HttpClient _api = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task ExecutionTopic_ReceivesEachStepAndTheCompletionInOrder_WithTheExecutionsValues()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, RealtimeWorkflows.HoldThenGreet());
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        await _api.WaitForStatus(_tenant, id, "waiting");
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"execution:{id}");

        (await _api.Post($"/api/executions/{id}/events", _tenant, new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["approved"] = "yes" } }))
            .Expect(HttpStatusCode.Accepted);
        var received = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");

        // Updates committed before the subscription may still have been in the dispatcher's queue; nothing else may precede the steps.
        var early = received.TakeWhile(m => Event(m) != "workflow_step_completed").ToList();
        Assert.All(early, m => Assert.Equal("workflow_execution_update", Event(m)));
        var events = received.Skip(early.Count).ToList();
        Assert.Equal(
            ["workflow_step_completed:hold", "workflow_execution_update:running", "workflow_step_completed:greet", "workflow_execution_update:running",
             "workflow_step_completed:done", "workflow_execution_update:completed", "workflow_execution_completed:completed"],
            events.Select(m => $"{Event(m)}:{(string?)m["step_id"] ?? (string?)m["status"]}"));
        Assert.All(received, m => Assert.Equal(id, (string?)m["execution_id"]));
        Assert.All(received, m => Assert.Equal(workflowId, (string?)m["workflow_id"]));
        var times = received.Select(m => DateTimeOffset.Parse((string)m["timestamp"]!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);

        var execution = (await _api.Get($"/api/executions/{id}", _tenant)).Expect(HttpStatusCode.OK);
        var runs = (await _api.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray()
            .Select(r => r!.AsObject()).Where(r => (string?)r["status"] == "completed").ToDictionary(r => (string)r["step_id"]!);

        var steps = events.Where(m => Event(m) == "workflow_step_completed").ToList();
        Assert.Equal(["Hold", "Greet", "Done"], steps.Select(m => (string?)m["step_name"]));
        Assert.Equal(new string?[] { "greet", "done", null }, steps.Select(m => (string?)m["next_step"]));
        Assert.Equal("yes", (string?)steps[0]["output"]!["approved"]);
        Assert.Equal("hello Ada", (string?)steps[2]["output"]!["greeting"]);
        foreach (var step in steps)
        {
            var run = runs[(string)step["step_id"]!];
            Assert.True(JsonNode.DeepEquals(run["output"], step["output"]), $"{step["step_id"]}: event output {step["output"]?.ToJsonString()}, REST {run["output"]?.ToJsonString()}");
            AssertMilliseconds((long)run["duration_ms"]!, (long)step["duration_ms"]!);
        }

        var updates = events.Where(m => Event(m) == "workflow_execution_update").ToList();
        Assert.Equal(["greet", "done", "done"], updates.Select(m => (string?)m["current_step"]));
        Assert.Equal([Math.Round(1 / 3.0, 4), Math.Round(2 / 3.0, 4), 1.0], updates.Select(m => (double)m["progress"]!));
        // The one form of progress, as the REST answer gives it.
        Assert.Equal(updates.Select(m => (double)m["progress"]!), updates.Select(m => (double)m["progress_fraction"]!));
        Assert.Equal(execution.Node("progress_fraction")!.GetValue<double>(), (double)updates[^1]["progress_fraction"]!);
        Assert.Equal(["Hold", "Greet"], updates.Take(2).Select(m => (string?)m["details"]!["step_name"]));
        Assert.All(updates, m => Assert.Equal(execution.Str("started_at"), Iso(m["details"]!["started_at"])));
        Assert.All(updates, m => Assert.False(string.IsNullOrEmpty((string?)m["details"]!["message"])));

        var completed = events[^1];
        Assert.Equal("completed", (string?)completed["status"]);
        Assert.Equal(execution.Str("started_at"), Iso(completed["started_at"]));
        Assert.Equal(execution.Str("completed_at"), Iso(completed["completed_at"]));
        AssertMilliseconds(execution.Node("duration_ms")!.GetValue<long>(), (long)completed["duration_ms"]!);
        Assert.True(JsonNode.DeepEquals(execution.Node("output"), completed["output"]), completed["output"]?.ToJsonString());
        Assert.Equal("hello Ada", (string?)completed["output"]!["greeting"]);
    }

    [Fact]
    public async Task FailingStep_SendsExecutionErrorWithTheStepsError_ThenTheFailedCompletion()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, RealtimeWorkflows.FailingLookup());
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"workflow:{workflowId}");

        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["customer"] = "Test Company" });
        var received = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");

        var error = Assert.Single(received, m => Event(m) == "workflow_execution_error");
        Assert.Equal(id, (string?)error["execution_id"]);
        Assert.Equal(workflowId, (string?)error["workflow_id"]);
        Assert.False(string.IsNullOrEmpty((string?)error["timestamp"]));
        var details = error["error"]!.AsObject();
        Assert.Equal("lookup", (string?)details["step_id"]);
        Assert.Equal("Customer Lookup", (string?)details["step_name"]);
        Assert.Equal("Error connecting to the CRM service", (string?)details["message"]);
        Assert.Equal("external_service_error", (string?)details["code"]);
        Assert.Equal("Timeout after 5000ms", (string?)details["details"]);
        var execution = (await _api.Get($"/api/executions/{id}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(execution.Node("error"), details), execution.Text);

        Assert.Equal(["prepare"], received.Where(m => Event(m) == "workflow_step_completed").Select(m => (string?)m["step_id"]));
        var completed = received[^1];
        Assert.Equal("failed", (string?)completed["status"]);
        Assert.Equal(execution.Str("completed_at"), Iso(completed["completed_at"]));
        Assert.True(received.IndexOf(error) < received.Count - 1);
    }

    [Fact]
    public async Task WorkflowTopic_ReceivesItsExecutionsAndItsOwnUpdates_NotThoseOfAnotherWorkflow()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, Definitions.Greeting("watched"));
        var otherId = await _api.CreateWorkflow(_tenant, Definitions.Greeting("other"));
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"workflow:{workflowId}");

        var other = await _api.Execute(_tenant, otherId, new JsonObject { ["name"] = "Bo" });
        await _api.WaitForCompletion(_tenant, other);
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Cy" });
        var run = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");
        var changed = RealtimeWorkflows.HoldThenGreet(version: "2.0.0");
        (await _api.Put($"/api/workflows/{workflowId}", _tenant, changed)).Expect(HttpStatusCode.OK);
        (await _api.Patch($"/api/workflows/{otherId}", _tenant, new JsonObject { ["status"] = "archived" })).Expect(HttpStatusCode.OK);
        (await _api.Patch($"/api/workflows/{workflowId}", _tenant, new JsonObject { ["status"] = "archived" })).Expect(HttpStatusCode.OK);
        var saved = await client.NextAsync();
        var archived = await client.NextAsync();

        Assert.All(run, m => Assert.Equal(id, (string?)m["execution_id"]));
        Assert.Equal("workflow_execution_update", Event(run[0]));
        Assert.Equal(2, run.Count(m => Event(m) == "workflow_step_completed"));
        Assert.Equal("hello Cy", (string?)run[^1]["output"]!["greeting"]);

        var workflow = (await _api.Get($"/api/workflows/{workflowId}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(
            new[] { "event", "name", "previous_status", "status", "updated_at", "updated_by", "version", "workflow_id" },
            saved.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("workflow_updated", Event(saved));
        Assert.Equal(workflowId, (string?)saved["workflow_id"]);
        Assert.Equal("hold then greet", (string?)saved["name"]);
        Assert.Equal("2.0.0", (string?)saved["version"]);
        Assert.Equal("active", (string?)saved["previous_status"]);
        Assert.Equal("active", (string?)saved["status"]);
        Assert.Equal("test-admin", (string?)saved["updated_by"]); // the subject of the token that saved it

        Assert.Equal("workflow_updated", Event(archived));
        Assert.Equal(workflowId, (string?)archived["workflow_id"]);
        Assert.Equal("2.0.0", (string?)archived["version"]);
        Assert.Equal("active", (string?)archived["previous_status"]);
        Assert.Equal("archived", (string?)archived["status"]);
        Assert.Equal(workflow.Str("updated_at"), Iso(archived["updated_at"]));
    }

    [Fact]
    public async Task AllExecutions_ReceivesEveryExecutionOfTheTenant_AndAllWorkflows_EveryWorkflowUpdate()
    {
        var first = await _api.CreateWorkflow(_tenant, Definitions.Greeting("first"));
        var second = await _api.CreateWorkflow(_tenant, Definitions.Greeting("second"));
        await using var executions = await server.ConnectAsync(_tenant);
        await executions.SubscribeAsync("all_executions");
        await using var workflows = await server.ConnectAsync(_tenant);
        await workflows.SubscribeAsync("all_workflows");

        var a = await _api.Execute(_tenant, first, new JsonObject { ["name"] = "A" });
        await _api.WaitForCompletion(_tenant, a);
        var b = await _api.Execute(_tenant, second, new JsonObject { ["name"] = "B" });
        var created = await _api.CreateWorkflow(_tenant, Definitions.Greeting("third", status: "draft"));
        var seen = await executions.ReadUntilAsync(m => Event(m) == "workflow_execution_completed" && (string?)m["execution_id"] == b);
        // Committed after every event of both executions: whatever of them reached the all_workflows client came before it.
        (await _api.Patch($"/api/workflows/{first}", _tenant, new JsonObject { ["status"] = "archived" })).Expect(HttpStatusCode.OK);
        var updates = await workflows.ReadUntilAsync(m => (string?)m["workflow_id"] == first);

        Assert.Equal([a, b], seen.Where(m => Event(m) == "workflow_execution_completed").Select(m => (string?)m["execution_id"]));
        Assert.Equal(["hello A", "hello B"], seen.Where(m => Event(m) == "workflow_execution_completed").Select(m => (string?)m["output"]!["greeting"]));
        Assert.DoesNotContain(seen, m => Event(m) == "workflow_updated");
        Assert.Equal(2, updates.Count);
        Assert.All(updates, m => Assert.Equal("workflow_updated", Event(m)));
        var update = updates[0];
        Assert.Equal(created, (string?)update["workflow_id"]);
        Assert.Equal("third", (string?)update["name"]);
        Assert.Equal("1.0.0", (string?)update["version"]);
        Assert.Null(update["previous_status"]);
        Assert.Equal("draft", (string?)update["status"]);
        Assert.Equal("active", (string?)updates[1]["previous_status"]);
        Assert.Equal("archived", (string?)updates[1]["status"]);
    }

    [Fact]
    public async Task Unsubscribe_StopsTheTopicsEvents_OthersContinue()
    {
        var dropped = await _api.CreateWorkflow(_tenant, Definitions.Greeting("dropped"));
        var kept = await _api.CreateWorkflow(_tenant, Definitions.Greeting("kept"));
        await using var client = await server.ConnectAsync(_tenant);
        await client.SubscribeAsync($"workflow:{dropped}", $"workflow:{kept}");
        var before = await _api.Execute(_tenant, dropped, new JsonObject { ["name"] = "x" });
        await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed" && (string?)m["execution_id"] == before);

        var ack = await client.RequestAsync(new JsonObject { ["action"] = "unsubscribe", ["topics"] = Json.Array([$"workflow:{dropped}"]) });
        var after = await _api.Execute(_tenant, dropped, new JsonObject { ["name"] = "y" });
        await _api.WaitForCompletion(_tenant, after);
        var barrier = await _api.Execute(_tenant, kept, new JsonObject { ["name"] = "z" });
        var seen = await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed");

        Assert.Equal("unsubscribed", (string?)ack["type"]);
        Assert.Equal([$"workflow:{dropped}"], ack["topics"]!.AsArray().Select(t => (string?)t));
        Assert.All(seen, m => Assert.Equal(barrier, (string?)m["execution_id"]));
    }

    /// <summary>The event measures from the times in memory, the REST API from the stored ones, which keep whole
    /// milliseconds: the two may differ by one.</summary>
    private static void AssertMilliseconds(long rest, long evt) =>
        Assert.True(Math.Abs(rest - evt) <= 1, $"The event says {evt} ms, the REST API {rest} ms.");

    private static string? Event(JsonObject message) => (string?)message["event"];

    /// <summary>An event's ISO time in the REST API's spelling, to compare the two.</summary>
    private static string? Iso(JsonNode? time) => time is null ? null
        : Chorus.Server.Api.Representations.Iso(DateTimeOffset.Parse(time.GetValue<string>(), CultureInfo.InvariantCulture));
}
