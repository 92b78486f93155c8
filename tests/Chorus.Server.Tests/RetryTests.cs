using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Runs its own server so the "flaky" step type can count attempts in this class.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private ChorusTestServer? _server;
    private readonly FlakyStep _flaky = new();
    private readonly string _tenant = ApiCalls.NewTenant();

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() =>
        _server = await ChorusTestServer.StartAsync(registry => registry.Register(_flaky));

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    [Fact]
    public async Task Retry_FailedExecution_RunsFailedStepAgainAndCompletes()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {
              "name": "flaky",
              "steps": [
                {"id": "first", "type": "addField", "config": {"field": "kept", "value": true}, "next": "shaky"},
                {"id": "shaky", "type": "flaky", "retry": {"max_attempts": 1}}
              ]
            }
            """));
        var id = await Client.Execute(_tenant, workflowId);

        var failed = await Client.WaitForStatus(_tenant, id, "failed");
        var firstRetry = (await Client.Post($"/api/executions/{id}/retry", _tenant)).Expect(HttpStatusCode.OK);
        var failedAgain = await Client.WaitForStatus(_tenant, id, "failed");
        (await Client.Post($"/api/executions/{id}/retry", _tenant)).Expect(HttpStatusCode.OK);
        var done = await Client.WaitForCompletion(_tenant, id);
        var again = await Client.Post($"/api/executions/{id}/retry", _tenant);
        var steps = (await Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("shaky", failed.Str("error.step_id"));
        Assert.Equal("running", firstRetry.Str("status"));
        Assert.Equal("shaky", failedAgain.Str("error.step_id"));
        Assert.Equal(3, done.Node("output.attempts")!.GetValue<int>());
        Assert.Equal(3, _flaky.Attempts);
        again.ExpectError(HttpStatusCode.Conflict, "conflict");
        var runs = steps.Node("items")!.AsArray();
        Assert.Single(runs, r => r!["step_id"]!.GetValue<string>() == "first");
        Assert.Equal(3, runs.Count(r => r!["step_id"]!.GetValue<string>() == "shaky"));
    }

    [Fact]
    public async Task Retry_CompletedExecution_Returns409()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await Client.Execute(_tenant, workflowId, new JsonObject { ["name"] = "r" });
        await Client.WaitForCompletion(_tenant, id);

        var retried = await Client.Post($"/api/executions/{id}/retry", _tenant);

        retried.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("completed", retried.Str("error.details.status"));
    }

    private static JsonObject FlakyAfter(string label) => Definitions.Parse($$$"""
        {
          "name": "flaky from the start",
          "input_schema": {"type": "object", "required": ["order"]},
          "steps": [
            {"id": "first", "type": "addField", "config": {"field": "label", "value": "{{{label}}}"}, "next": "shaky"},
            {"id": "shaky", "type": "flaky", "retry": {"max_attempts": 1}}
          ]
        }
        """);

    [Fact]
    public async Task RetryFromTheStart_RunsANewExecutionWithTheSameInput_OnItsVersionOrTheLatest_AndTheOriginalStaysAsItEnded()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, FlakyAfter("v1"));
        var original = await Client.Execute(_tenant, workflowId, new JsonObject { ["order"] = "A-1" });
        await Client.WaitForStatus(_tenant, original, "failed");
        (await Client.Put($"/api/workflows/{workflowId}", _tenant, FlakyAfter("v2"))).Expect(HttpStatusCode.OK);

        // The version it ran: the same steps, from the first, in a new execution.
        var same = (await Client.Post($"/api/executions/{original}/retry", _tenant, new JsonObject { ["from"] = "start" })).Expect(HttpStatusCode.Accepted);
        var sameId = same.Str("id")!;
        Assert.NotEqual(original, sameId);
        Assert.Equal(original, same.Str("retry_of"));
        Assert.Equal(1, same.Node("workflow_version")!.GetValue<int>());
        var sameEnded = await Client.WaitForStatus(_tenant, sameId, "failed");
        Assert.Equal("v1", sameEnded.Str("variables.label"));
        Assert.Equal("A-1", sameEnded.Str("input.order"));

        // The latest version, from that second run.
        var latest = (await Client.Post($"/api/executions/{sameId}/retry", _tenant, new JsonObject { ["from"] = "start", ["version"] = "latest" }))
            .Expect(HttpStatusCode.Accepted);
        var done = await Client.WaitForCompletion(_tenant, latest.Str("id")!);
        Assert.Equal(2, done.Node("workflow_version")!.GetValue<int>());
        Assert.Equal("v2", done.Str("variables.label"));
        Assert.Equal(3, done.Node("output.attempts")!.GetValue<int>());

        var before = (await Client.Get($"/api/executions/{original}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("failed", before.Str("status"));
        Assert.Single((await Client.Get($"/api/executions/{original}/steps", _tenant)).Node("items")!.AsArray(), r => r!["step_id"]!.GetValue<string>() == "shaky");
        var logs = (await Client.Get($"/api/executions/{original}/logs", _tenant)).Node("items")!.AsArray();
        Assert.Contains(logs, l => l!["message"]!.GetValue<string>() == $"Run again from the start as execution {sameId} (version 1).");
    }

    [Fact]
    public async Task RetryFromTheStart_IsRefused_ForARunningExecution_AnUnknownChoice_OrAMappingWithoutTheLatestVersion()
    {
        var waiting = await Client.Execute(_tenant, await Client.CreateWorkflow(_tenant, Definitions.WaitForEvent("never")));
        await Client.WaitForStatus(_tenant, waiting, "waiting");
        var workflowId = await Client.CreateWorkflow(_tenant, FlakyAfter("v1"));
        var failed = await Client.Execute(_tenant, workflowId, new JsonObject { ["order"] = "A-1" });
        await Client.WaitForStatus(_tenant, failed, "failed");

        var running = (await Client.Post($"/api/executions/{waiting}/retry", _tenant, new JsonObject { ["from"] = "start" })).ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("waiting", running.Str("error.details.status"));
        var from = (await Client.Post($"/api/executions/{failed}/retry", _tenant, new JsonObject { ["from"] = "middle" })).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("from", from.Str("error.details.field"));
        var version = (await Client.Post($"/api/executions/{failed}/retry", _tenant, new JsonObject { ["version"] = "newest" })).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("version", version.Str("error.details.field"));
        var mapping = (await Client.Post($"/api/executions/{failed}/retry", _tenant, new JsonObject { ["from"] = "start", ["mapping"] = new JsonObject() }))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("mapping", mapping.Str("error.details.field"));
        (await Client.Post($"/api/executions/{failed}/retry", ApiCalls.NewTenant(), new JsonObject { ["from"] = "start" })).ExpectError(HttpStatusCode.NotFound, "execution_not_found");

        // None of that changed anything: the failed execution is still failed, and no other execution started.
        Assert.Equal("failed", (await Client.Get($"/api/executions/{failed}", _tenant)).Str("status"));
        Assert.Equal(2, (await Client.Get("/api/executions", _tenant)).Node("items")!.AsArray().Count);
        Assert.Equal(1, _flaky.Attempts);
    }

    [Fact]
    public async Task RetryFromTheFailedStep_OnTheLatestVersion_MovesItThereByTheMigrationRules()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, FlakyAfter("v1"));
        var id = await Client.Execute(_tenant, workflowId, new JsonObject { ["order"] = "A-1" });
        await Client.WaitForStatus(_tenant, id, "failed");
        var renamed = Definitions.Parse("""
            {"name": "renamed", "input_schema": {"type": "object", "required": ["order"]}, "steps": [
              {"id": "first", "type": "addField", "config": {"field": "label", "value": "v2"}, "next": "steady"},
              {"id": "steady", "type": "flaky", "retry": {"max_attempts": 1}}
            ]}
            """);
        (await Client.Put($"/api/workflows/{workflowId}", _tenant, renamed)).Expect(HttpStatusCode.OK);

        // Its failed step "shaky" is not in version 2: refused, and nothing changes, until the mapping names its new id.
        var refused = (await Client.Post($"/api/executions/{id}/retry", _tenant, new JsonObject { ["version"] = "latest" })).ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("step_removed", refused.Str("error.details.reason"));
        Assert.Equal(1, (await Client.Get($"/api/executions/{id}", _tenant)).Node("workflow_version")!.GetValue<int>());
        var retried = (await Client.Post($"/api/executions/{id}/retry", _tenant, new JsonObject
        {
            ["version"] = "latest", ["mapping"] = new JsonObject { ["shaky"] = "steady" },
        })).Expect(HttpStatusCode.OK);
        Assert.Equal(2, retried.Node("workflow_version")!.GetValue<int>());
        await Client.WaitForStatus(_tenant, id, "failed");
        (await Client.Post($"/api/executions/{id}/retry", _tenant, new JsonObject { ["version"] = "latest" })).Expect(HttpStatusCode.OK);
        var done = await Client.WaitForCompletion(_tenant, id);

        Assert.Equal(3, done.Node("output.attempts")!.GetValue<int>());
        // The step before the failed one ran once, on version 1: a retry goes on from the failed step.
        Assert.Equal("v1", done.Str("variables.label"));
        var runs = (await Client.Get($"/api/executions/{id}/steps", _tenant)).Node("items")!.AsArray();
        Assert.Equal(2, runs.Count(r => r!["step_id"]!.GetValue<string>() == "steady"));
    }
}
