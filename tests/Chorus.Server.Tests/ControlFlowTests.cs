using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class ControlFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private async Task<List<string>> FinishedSteps(string id)
    {
        var steps = (await _client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        return steps.Node("items")!.AsArray().Where(r => r!["status"]!.GetValue<string>() == "completed")
            .Select(r => r!["step_id"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Advance_ManualMode_RunsOneStepPerCall()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await _client.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Step" }, mode: "manual");
        var before = await FinishedSteps(id);

        var first = (await _client.Post($"/api/executions/{id}/advance", _tenant)).Expect(HttpStatusCode.OK);
        var afterFirst = await FinishedSteps(id);
        var second = (await _client.Post($"/api/executions/{id}/advance", _tenant)).Expect(HttpStatusCode.OK);
        var done = await _client.WaitForCompletion(_tenant, id);
        var third = await _client.Post($"/api/executions/{id}/advance", _tenant);

        Assert.Empty(before);
        Assert.Equal("manual", first.Str("mode"));
        Assert.Equal(["greet"], afterFirst);
        Assert.Equal("completed", second.Str("status"));
        Assert.Equal("hello Step", done.Str("output.greeting"));
        third.ExpectError(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Advance_AutomaticExecution_Returns409()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.WaitForEvent("x"));
        var id = await _client.Execute(_tenant, workflowId);

        var advanced = await _client.Post($"/api/executions/{id}/advance", _tenant);

        advanced.ExpectError(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Subflow_ParentRunsChild_CompletesWithChildOutput()
    {
        var childId = await _client.CreateWorkflow(_tenant, Definitions.Greeting("child"));
        var parentId = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "parent", "steps": [{"id": "call", "type": "subflow", "config": {"workflow_id": "CHILD", "input": {"name": "Kid"}}}]}
            """.Replace("CHILD", childId)));

        var id = await _client.Execute(_tenant, parentId);
        var done = await _client.WaitForCompletion(_tenant, id);
        var children = (await _client.Get($"/api/workflows/{childId}/executions", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("hello Kid", done.Str("output.greeting"));
        var child = Assert.Single(children.Node("items")!.AsArray());
        Assert.Equal(id, child!["parent_execution_id"]!.GetValue<string>());
        Assert.Equal("completed", child["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Join_AfterParallelBranches_OutputHoldsEveryBranch()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {
              "name": "fan out",
              "steps": [
                {"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
                {"id": "left", "type": "addField", "config": {"field": "l", "value": "L"}, "next": "merge"},
                {"id": "right", "type": "addField", "config": {"field": "r", "value": "R"}, "next": "merge"},
                {"id": "merge", "type": "join"}
              ]
            }
            """));

        var id = await _client.Execute(_tenant, workflowId);
        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.Equal("L", done.Str("output.left.l"));
        Assert.Equal("R", done.Str("output.right.r"));
        Assert.Equal(4, done.Node("progress.completedNodes")!.GetValue<int>());
    }

    [Fact]
    public async Task Foreach_OverInputList_RunsBodyPerItem()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {
              "name": "loop",
              "steps": [
                {"id": "each", "type": "foreach", "config": {
                  "items_expression": "$.input.names",
                  "step": {"type": "output", "config": {"value": {"name": "{{item}}", "at": "{{index}}"}}}
                }}
              ]
            }
            """));

        var id = await _client.Execute(_tenant, workflowId, new JsonObject { ["names"] = new JsonArray("ann", "ben", "cat") });
        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.Equal(3, done.Node("output.count")!.GetValue<int>());
        var names = done.Node("output.items")!.AsArray().Select(i => i!["name"]!.GetValue<string>());
        Assert.Equal(["ann", "ben", "cat"], names);
    }
}
