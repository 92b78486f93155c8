using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class OperationsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private async Task<string> StartWaiting(string eventName)
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent(eventName));
        var id = await _client.Execute(_tenant, workflowId);
        await _client.WaitForStatus(_tenant, id, "waiting");
        return id;
    }

    private static JsonObject Event(string name, string approved) =>
        new() { ["name"] = name, ["data"] = new JsonObject { ["approved"] = approved } };

    [Fact]
    public async Task Events_WaitingForThatEvent_CompletesWithItsData()
    {
        var id = await StartWaiting("approval");
        var waiting = (await _client.Get($"/api/executions/{id}", _tenant)).Expect(HttpStatusCode.OK);

        var sent = (await _client.Post($"/api/executions/{id}/events", _tenant, Event("approval", "yes"))).Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, id);
        var steps = (await _client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("event", waiting.Str("waiting_for.0.kind"));
        Assert.Equal("approval", waiting.Str("waiting_for.0.name"));
        Assert.Equal(id, sent.Str("id"));
        Assert.Equal("yes", done.Str("output.got"));
        var hold = steps.Node("items")!.AsArray().Single(r => r!["step_id"]!.GetValue<string>() == "hold");
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["approved"] = "yes" }, hold!["output"]), steps.Text);
    }

    [Fact]
    public async Task Events_SentBeforeTheWaitIsReached_IsKeptAndConsumed()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {
              "name": "early event",
              "steps": [
                {"id": "nap", "type": "wait", "config": {"duration": "1s"}, "next": "hold"},
                {"id": "hold", "type": "wait", "config": {"event": "early"}, "next": "done"},
                {"id": "done", "type": "output", "config": {"value": {"got": "{{hold.approved}}"}}}
              ]
            }
            """));
        var id = await _client.Execute(_tenant, workflowId);
        var napping = await _client.WaitForStatus(_tenant, id, "waiting");

        (await _client.Post($"/api/executions/{id}/events", _tenant, Event("early", "before"))).Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.Equal("nap", napping.Str("waiting_for.0.step_id"));
        Assert.Equal("before", done.Str("output.got"));
    }

    [Fact]
    public async Task Input_ManualInputStep_CompletesWithTheData()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.ManualReview());
        var id = await _client.Execute(_tenant, workflowId);
        var waiting = await _client.WaitForStatus(_tenant, id, "waiting");

        var wrong = await _client.Post($"/api/executions/{id}/input", _tenant, new JsonObject { ["step_id"] = "done", ["data"] = new JsonObject { ["decision"] = "x" } });
        var invalid = await _client.Post($"/api/executions/{id}/input", _tenant, new JsonObject { ["step_id"] = "review", ["data"] = new JsonObject() });
        (await _client.Post($"/api/executions/{id}/input", _tenant, new JsonObject { ["step_id"] = "review", ["data"] = new JsonObject { ["decision"] = "ship" } }))
            .Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.Equal("manual_input", waiting.Str("waiting_for.0.kind"));
        wrong.ExpectError(HttpStatusCode.Conflict, "conflict");
        invalid.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("ship", done.Str("output.decision"));
    }

    [Fact]
    public async Task PauseResume_AroundAWait_ThenEventCompletes()
    {
        var id = await StartWaiting("go");

        var paused = (await _client.Post($"/api/executions/{id}/pause", _tenant)).Expect(HttpStatusCode.OK);
        var stillPaused = (await _client.Get($"/api/executions/{id}", _tenant)).Expect(HttpStatusCode.OK);
        var pausedTwice = await _client.Post($"/api/executions/{id}/pause", _tenant);
        var resumed = (await _client.Post($"/api/executions/{id}/resume", _tenant)).Expect(HttpStatusCode.OK);
        (await _client.Post($"/api/executions/{id}/events", _tenant, Event("go", "after resume"))).Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.Equal("paused", paused.Str("status"));
        Assert.Equal("paused", stillPaused.Str("status"));
        pausedTwice.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("waiting", resumed.Str("status"));
        Assert.Equal("after resume", done.Str("output.got"));
    }

    [Fact]
    public async Task Cancel_WaitingExecution_CancelsAndLaterOperationsConflict()
    {
        var id = await StartWaiting("never");

        var cancelled = (await _client.Post($"/api/executions/{id}/cancel", _tenant)).Expect(HttpStatusCode.OK);
        var got = (await _client.Get($"/api/executions/{id}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal("cancelled", got.Str("status"));
        foreach (var (path, body) in new (string, JsonNode)[]
                 {
                     ("cancel", new JsonObject()), ("pause", new JsonObject()), ("resume", new JsonObject()), ("retry", new JsonObject()),
                     ("events", Event("never", "late")), ("input", new JsonObject { ["data"] = 1 }),
                 })
        {
            var late = await _client.Post($"/api/executions/{id}/{path}", _tenant, body);
            late.ExpectError(HttpStatusCode.Conflict, "conflict");
        }
    }

    [Fact]
    public async Task Input_ExecutionWaitingForAnEvent_Returns409()
    {
        var id = await StartWaiting("something-else");

        var input = await _client.Post($"/api/executions/{id}/input", _tenant, new JsonObject { ["data"] = new JsonObject() });

        input.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("waiting", input.Str("error.details.status"));
    }
}
