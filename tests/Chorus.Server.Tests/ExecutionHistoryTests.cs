using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>An execution's history over real HTTP: the context after each point rebuilt from the step runs equals the
/// context the engine held there (through a condition, parallel branches, a join, a foreach, variables written twice
/// and a wait); the diff between two points; a re-run from a point with an http step given its recorded response or
/// run live against a local server that counts its calls; and every bad or foreign request refused.</summary>
public class ExecutionHistoryTests : IAsyncLifetime
{
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly ScriptedHttpServer _api = new();
    private ChorusTestServer? _server;

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() => _server = await StartServerAsync(
        o => o with { Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = true } } });

    /// <summary>On SQLite here; <see cref="Storage.ExecutionHistoryOnPostgresTests"/> runs every test on PostgreSQL.</summary>
    protected virtual Task<ChorusTestServer> StartServerAsync(Func<ServerOptions, ServerOptions> configure) =>
        ChorusTestServer.StartAsync(configure: configure);

    public virtual async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>A condition, two variables written, parallel branches (one an http call) joined, optionally a wait for an
    /// event, a foreach, the variable written again, an output.</summary>
    private JsonObject Branchy(bool wait = false)
    {
        var definition = Definitions.Parse($$$"""
        {"name": "branchy", "status": "active", "steps": [
          {"id": "check", "type": "condition", "config": {"field": "kind", "operator": "equals", "value": "vip"}, "next_steps": ["vip", "regular"]},
          {"id": "vip", "type": "action", "config": {"action": "set_variable", "name": "tier", "value": "gold"}, "next": "fan"},
          {"id": "regular", "type": "action", "config": {"action": "set_variable", "name": "tier", "value": "basic"}, "next": "fan"},
          {"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
          {"id": "left", "type": "addField", "config": {"field": "side", "value": "L"}, "next": "merge"},
          {"id": "right", "type": "http", "retry": {"max_attempts": 1}, "config": {"url": "{{{_api.Origin}}}/score"}, "next": "merge"},
          {"id": "merge", "type": "join", "next": "hold"},
          {"id": "hold", "type": "wait", "config": {"event": "go"}, "next": "each"},
          {"id": "each", "type": "foreach", "config": {"items_expression": "$.input.names",
            "step": {"type": "output", "config": {"value": {"name": "{{item}}"} } } }, "next": "bump"},
          {"id": "bump", "type": "action", "config": {"action": "set_variable", "name": "tier", "value": "platinum"}, "next": "out"},
          {"id": "out", "type": "output", "config": {"value": {"tier": "{{variables.tier}}", "score": "{{right.body.score}}"} } }
        ]}
        """);
        if (!wait)
        {
            var steps = definition["steps"]!.AsArray();
            steps.Remove(steps.Single(st => (string?)st!["id"] == "hold"));
            steps.Single(st => (string?)st!["id"] == "merge")!["next"] = "each";
        }
        return definition;
    }

    /// <summary>Runs the workflow as a test execution until it ends or waits, with the context the engine holds then.</summary>
    private async Task<ApiResponse> TestExecute(string workflow) =>
        (await Client.Post($"/api/workflows/{workflow}/test-execute", _tenant, new JsonObject { ["input"] = Input(), ["debug_mode"] = true }))
            .Expect(HttpStatusCode.OK);

    private static JsonObject Input() => new() { ["kind"] = "vip", ["names"] = new JsonArray("ann", "ben") };

    private void ScriptScore(int score) => _api.Enqueue(new ScriptedHttpServer.Reply(200, $$"""{"score": {{score}}}"""));

    private async Task<JsonObject> ContextAt(string id, int point) =>
        (await Client.Get($"/api/executions/{id}/history/{point}", _tenant)).Expect(HttpStatusCode.OK).Node("context")!.AsObject();

    [Fact]
    public async Task History_RebuildsAfterEveryPoint_TheContextTheEngineHeld_ThroughBranchesParallelJoinAndForeach()
    {
        ScriptScore(7);
        var workflow = await Client.CreateWorkflow(_tenant, Branchy());
        var run = await TestExecute(workflow);
        var id = run.Str("id")!;
        Assert.Equal("completed", run.Str("status"));
        var engineContext = run.Node("context")!.AsObject();

        var history = (await Client.Get($"/api/executions/{id}/history", _tenant)).Expect(HttpStatusCode.OK);
        var points = history.Node("points")!.AsArray();

        Assert.Equal("completed", history.Str("status"));
        Assert.Equal("start", points[0]!["kind"]!.GetValue<string>());
        // One point per committed run, in commit order: the branch not taken never ran; the join came after both branches.
        var steps = points.Skip(1).Select(p => p!["step_id"]!.GetValue<string>()).ToList();
        Assert.Equal(["check", "vip", "fan"], steps.Take(3));
        Assert.Equal(["left", "right"], steps.Skip(3).Take(2).Order());
        Assert.Equal(["merge", "each", "bump", "out"], steps.Skip(5));
        Assert.Equal(points.Count - 1, points[^1]!["index"]!.GetValue<int>());
        Assert.Equal("completed", points[^1]!["status"]!.GetValue<string>());
        Assert.All(points.SkipLast(1), p => Assert.Equal("running", p!["status"]!.GetValue<string>()));
        var last = await ContextAt(id, points.Count - 1);
        Assert.True(JsonNode.DeepEquals(engineContext, last), $"{engineContext} vs {last}");

        // Each point adds what its step committed to the one before it: its output under its id, a variable it wrote.
        for (var i = 1; i < points.Count; i++)
        {
            var before = await ContextAt(id, i - 1);
            var after = await ContextAt(id, i);
            var stepId = points[i]!["step_id"]!.GetValue<string>();
            Assert.False(before.ContainsKey(stepId), $"{stepId} is in the context before its point");
            Assert.True(JsonNode.DeepEquals(engineContext[stepId], after[stepId]), $"{stepId}: {after[stepId]}");
            after.Remove(stepId);
            before.Remove("variables");
            after.Remove("variables");
            Assert.True(JsonNode.DeepEquals(before, after), $"point {i} changed more than {stepId}: {before} vs {after}");
        }
        Assert.Null((await ContextAt(id, steps.IndexOf("vip")))["variables"]!["tier"]);
        Assert.Equal("gold", (await ContextAt(id, steps.IndexOf("vip") + 1))["variables"]!["tier"]!.GetValue<string>());
        var point = (await Client.Get($"/api/executions/{id}/history/{steps.IndexOf("bump") + 1}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("platinum", point.Str("variables.tier"));
        Assert.Equal("bump", point.Str("step_id"));
        Assert.Equal("completed", point.Str("kind"));
        Assert.Equal("running", point.Str("status"));
    }

    [Fact]
    public async Task History_OfAWaitingExecution_EndsAtTheContextTheEngineHoldsWhileItWaits_AndGoesOnAfter()
    {
        ScriptScore(7);
        var workflow = await Client.CreateWorkflow(_tenant, Branchy(wait: true));
        var run = await TestExecute(workflow);
        var id = run.Str("id")!;
        Assert.Equal("waiting", run.Str("status"));

        var points = (await Client.Get($"/api/executions/{id}/history", _tenant)).Expect(HttpStatusCode.OK).Node("points")!.AsArray();
        Assert.Equal("waiting", points[^1]!["kind"]!.GetValue<string>());
        Assert.Equal("waiting", points[^1]!["status"]!.GetValue<string>());
        Assert.Equal("hold", points[^1]!["step_id"]!.GetValue<string>());
        var waitingContext = await ContextAt(id, points.Count - 1);
        Assert.True(JsonNode.DeepEquals(run.Node("context"), waitingContext), $"{run.Node("context")} vs {waitingContext}");

        (await Client.Post($"/api/executions/{id}/events", _tenant, new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["ok"] = true } }))
            .Expect(HttpStatusCode.Accepted);
        var done = await Client.WaitForCompletion(_tenant, id);
        var after = (await Client.Get($"/api/executions/{id}/history", _tenant)).Expect(HttpStatusCode.OK).Node("points")!.AsArray();

        // The wait's point became its completion, later in the commit order; the variables match the execution's.
        var steps = after.Skip(1).Select(p => p!["step_id"]!.GetValue<string>()).ToList();
        Assert.Equal(["merge", "hold", "each", "bump", "out"], steps.Skip(5));
        var final = await ContextAt(id, after.Count - 1);
        Assert.True(JsonNode.DeepEquals(done.Node("variables"), final["variables"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["ok"] = true }, final["hold"]));
        Assert.True(JsonNode.DeepEquals(done.Node("output"), final["out"]));
    }

    [Fact]
    public async Task Diff_BetweenTwoPoints_NamesAddedChangedAndRemovedPaths()
    {
        ScriptScore(7);
        var workflow = await Client.CreateWorkflow(_tenant, Branchy());
        var id = await Client.Execute(_tenant, workflow, Input());
        await Client.WaitForCompletion(_tenant, id);
        var steps = (await Client.Get($"/api/executions/{id}/history", _tenant)).Node("points")!.AsArray()
            .Skip(1).Select(p => p!["step_id"]!.GetValue<string>()).ToList();
        var beforeBump = steps.IndexOf("bump");
        var afterBump = beforeBump + 1;

        var diff = (await Client.Get($"/api/executions/{id}/history/diff?from={beforeBump}&to={afterBump}", _tenant)).Expect(HttpStatusCode.OK);
        var back = (await Client.Get($"/api/executions/{id}/history/diff?from={afterBump}&to=0", _tenant)).Expect(HttpStatusCode.OK);

        var changed = Assert.Single(diff.Node("changed")!.AsArray());
        Assert.Equal("$.variables.tier", changed!["path"]!.GetValue<string>());
        Assert.Equal("gold", changed["from"]!.GetValue<string>());
        Assert.Equal("platinum", changed["to"]!.GetValue<string>());
        var added = Assert.Single(diff.Node("added")!.AsArray());
        Assert.Equal("$.bump", added!["path"]!.GetValue<string>());
        Assert.Equal("platinum", added["value"]!["value"]!.GetValue<string>());
        Assert.Empty(diff.Node("removed")!.AsArray());
        Assert.Equal("running", diff.Str("status.to"));
        // Backwards to the start: every step output is removed, the variable written goes, nothing is added.
        var removed = back.Node("removed")!.AsArray().Select(r => r!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("$.right", removed);
        Assert.Contains("$.variables.tier", removed);
        Assert.DoesNotContain("$.out", removed);
        Assert.Empty(back.Node("added")!.AsArray());
        Assert.Equal("running", back.Str("status.to"));
    }

    private JsonObject Scoring() => Definitions.Parse($$$"""
        {"name": "scoring", "status": "active", "steps": [
          {"id": "prepare", "type": "addField", "config": {"field": "who", "value": "{{variables.name}}"}, "next": "score"},
          {"id": "score", "type": "http", "retry": {"max_attempts": 1}, "config": {"url": "{{{_api.Origin}}}/score"}, "next": "out"},
          {"id": "out", "type": "output", "config": {"value": {"who": "{{prepare.who}}", "score": "{{score.body.score}}"} }}
        ]}
        """);

    private async Task<ApiResponse> Rerun(string id, int point, bool? live = null, string? tenant = null)
    {
        var body = live is null ? null : new JsonObject { ["live"] = live };
        return await Client.Post($"/api/executions/{id}/history/{point}/rerun?wait=30s", tenant ?? _tenant, body);
    }

    [Fact]
    public async Task Rerun_FromAPoint_GivesTheHttpStepItsRecordedResponse_UnlessLive()
    {
        ScriptScore(7);
        var workflow = await Client.CreateWorkflow(_tenant, Scoring());
        var id = await Client.Execute(_tenant, workflow, new JsonObject { ["name"] = "Ada" });
        await Client.WaitForCompletion(_tenant, id);
        Assert.Single(_api.Requests);

        // From point 1 (after prepare): the http step after it gives the score recorded the first time.
        var stubbed = (await Rerun(id, 1)).Expect(HttpStatusCode.OK);
        Assert.Single(_api.Requests);
        Assert.Equal("completed", stubbed.Str("status"));
        Assert.True(stubbed.Node("is_test")!.GetValue<bool>());
        Assert.NotEqual(id, stubbed.Str("id"));
        Assert.Equal(id, stubbed.Str("rerun_of.execution_id"));
        Assert.Equal(1, stubbed.Node("rerun_of.point")!.GetValue<int>());
        Assert.Equal(7, stubbed.Node("output.score")!.GetValue<int>());
        Assert.Equal("Ada", stubbed.Str("output.who"));

        // Live: the http step calls the API again and the re-run goes on with its new answer.
        ScriptScore(9);
        var live = (await Rerun(id, 1, live: true)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Equal("completed", live.Str("status"));
        Assert.Equal(9, live.Node("output.score")!.GetValue<int>());

        // From the point after the http step, even live, it keeps the recorded response: it is history there.
        var afterCall = (await Rerun(id, 2, live: true)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Equal(7, afterCall.Node("output.score")!.GetValue<int>());

        // The re-run's own history starts from the same context: the original's context at point 2 is its context there.
        var rerunContext = await ContextAt(afterCall.Str("id")!, 2);
        Assert.True(JsonNode.DeepEquals(await ContextAt(id, 2), rerunContext));
        var logs = (await Client.Get($"/api/executions/{id}/logs", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains(afterCall.Str("id")!, logs.Text);
    }

    [Fact]
    public async Task HistoryRoutes_RefuseForeignBadAndUnauthorisedRequests_WithTheErrorShape_AndStartNothing()
    {
        ScriptScore(7);
        var workflow = await Client.CreateWorkflow(_tenant, Scoring());
        var id = await Client.Execute(_tenant, workflow, new JsonObject { ["name"] = "Ada" });
        await Client.WaitForCompletion(_tenant, id);
        var stranger = ApiCalls.NewTenant();
        var countBefore = await ExecutionCount();

        foreach (var path in new[] { "history", "history/1", "history/diff?from=0&to=1" })
        {
            (await Client.Get($"/api/executions/{id}/{path}", stranger)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
            (await Client.Get($"/api/executions/{Guid.NewGuid()}/{path}", _tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
            (await Client.Get($"/api/executions/nope/{path}", _tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        }
        (await Rerun(id, 1, tenant: stranger)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        var badPoint = (await Client.Get($"/api/executions/{id}/history/abc", _tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.NotNull(badPoint.Str("error.request_id"));
        Assert.Equal("point", badPoint.Str("error.details.field"));
        (await Client.Get($"/api/executions/{id}/history/-1", _tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Get($"/api/executions/{id}/history/99999999999", _tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Get($"/api/executions/{id}/history/4", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Get($"/api/executions/{id}/history/diff?from=0", _tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Get($"/api/executions/{id}/history/diff?from=0&to=9", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Rerun(id, 9)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Post($"/api/executions/{id}/history/1/rerun", _tenant, new JsonObject { ["live"] = "yes" }))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Send(HttpMethod.Post, $"/api/executions/{id}/history/1/rerun", _tenant, ApiCalls.Json(new JsonArray())))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        var viewer = await Client.Send(HttpMethod.Post, $"/api/executions/{id}/history/1/rerun", _tenant, null,
            headers: [new("Authorization", "Bearer " + TestTokens.For(_tenant, Role.Viewer))]);
        viewer.ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        var readable = await Client.Send(HttpMethod.Get, $"/api/executions/{id}/history", _tenant, null,
            headers: [new("Authorization", "Bearer " + TestTokens.For(_tenant, Role.Viewer))]);
        readable.Expect(HttpStatusCode.OK);

        Assert.Equal(countBefore, await ExecutionCount());
        Assert.Single(_api.Requests);
    }

    private async Task<int> ExecutionCount() =>
        (await Client.Get("/api/executions?include_tests=true", _tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>();
}
