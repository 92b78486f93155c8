using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class TenancyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _owner = ApiCalls.NewTenant();
    private readonly string _stranger = ApiCalls.NewTenant();

    [Fact]
    public async Task Workflow_OfAnotherTenant_IsNotFoundForEveryRoute()
    {
        var id = await _client.CreateWorkflow(_owner, Definitions.Greeting());

        // PUT is not among them: on an id the stranger does not have it creates the stranger's own workflow
        // (WorkflowCrudTests.Put_AnotherTenantsWorkflowId_CreatesItsOwnAndLeavesTheOtherAlone).
        var responses = new[]
        {
            await _client.Get($"/api/workflows/{id}", _stranger),
            await _client.Patch($"/api/workflows/{id}", _stranger, new JsonObject { ["status"] = "archived" }),
            await _client.Delete($"/api/workflows/{id}", _stranger),
            await _client.Post($"/api/workflows/{id}/execute", _stranger),
            await _client.Post($"/api/workflows/{id}/test-execute", _stranger),
            await _client.Post("/api/executions", _stranger, new JsonObject { ["workflow_id"] = id }),
            await _client.Get($"/api/workflows/{id}/versions", _stranger),
            await _client.Post($"/api/workflows/{id}/versions/1/revert", _stranger),
        };
        var strangerList = (await _client.Get("/api/workflows", _stranger)).Expect(HttpStatusCode.OK);
        var ownerView = (await _client.Get($"/api/workflows/{id}", _owner)).Expect(HttpStatusCode.OK);

        Assert.All(responses, r => r.ExpectError(HttpStatusCode.NotFound, "workflow_not_found"));
        Assert.Equal(0, strangerList.Node("total")!.GetValue<int>());
        Assert.Equal("greeting", ownerView.Str("name"));
        Assert.Equal("active", ownerView.Str("status"));
        Assert.Equal(1, ownerView.Node("current_version")!.GetValue<int>());
    }

    [Fact]
    public async Task Execution_OfAnotherTenant_IsNotFoundAndAbsentFromLists()
    {
        var workflowId = await _client.CreateWorkflow(_owner, Definitions.WaitForEvent("mine"));
        var id = await _client.Execute(_owner, workflowId);
        await _client.WaitForStatus(_owner, id, "waiting");

        var responses = new[]
        {
            await _client.Get($"/api/executions/{id}", _stranger),
            await _client.Get($"/api/executions/{id}/steps", _stranger),
            await _client.Get($"/api/executions/{id}/logs", _stranger),
            await _client.Post($"/api/executions/{id}/cancel", _stranger),
            await _client.Post($"/api/executions/{id}/pause", _stranger),
            await _client.Post($"/api/executions/{id}/events", _stranger, new JsonObject { ["name"] = "mine" }),
            await _client.Post($"/api/executions/{id}/input", _stranger, new JsonObject { ["data"] = 1 }),
        };
        var list = (await _client.Get("/api/executions", _stranger)).Expect(HttpStatusCode.OK);
        var filtered = (await _client.Get($"/api/executions?workflow_id={workflowId}", _stranger)).Expect(HttpStatusCode.OK);
        var ownerView = (await _client.Get($"/api/executions/{id}", _owner)).Expect(HttpStatusCode.OK);

        Assert.All(responses, r => r.ExpectError(HttpStatusCode.NotFound, "execution_not_found"));
        Assert.Equal(0, list.Node("total")!.GetValue<int>());
        Assert.Equal(0, filtered.Node("total")!.GetValue<int>());
        Assert.Equal("waiting", ownerView.Str("status"));
    }

    [Fact]
    public async Task Schedule_OfAnotherTenant_IsNotFoundForEveryRouteAndUntouched()
    {
        var workflowId = await _client.CreateWorkflow(_owner, Definitions.Greeting());
        var schedules = $"/api/workflows/{workflowId}/schedules";
        var created = (await _client.Post(schedules, _owner, new JsonObject { ["cron"] = "0 0 1 1 *", ["input"] = new JsonObject { ["name"] = "mine" } }))
            .Expect(HttpStatusCode.Created);
        var scheduleId = created.Str("id")!;
        var ownerBefore = (await _client.Get(schedules, _owner)).Expect(HttpStatusCode.OK);
        var strangerWorkflowId = await _client.CreateWorkflow(_stranger, Definitions.Greeting());
        var strangersOwnPath = $"/api/workflows/{strangerWorkflowId}/schedules/{scheduleId}";

        var throughOwnersWorkflow = new[]
        {
            await _client.Post(schedules, _stranger, new JsonObject { ["cron"] = "@daily" }),
            await _client.Get(schedules, _stranger),
            await _client.Get($"{schedules}/{scheduleId}", _stranger),
            await _client.Patch($"{schedules}/{scheduleId}", _stranger, new JsonObject { ["enabled"] = false }),
            await _client.Delete($"{schedules}/{scheduleId}", _stranger),
        };
        var throughStrangersWorkflow = new[]
        {
            await _client.Get(strangersOwnPath, _stranger),
            await _client.Patch(strangersOwnPath, _stranger, new JsonObject { ["enabled"] = false }),
            await _client.Delete(strangersOwnPath, _stranger),
        };
        var strangerList = (await _client.Get($"/api/workflows/{strangerWorkflowId}/schedules", _stranger)).Expect(HttpStatusCode.OK);
        var ownerAfter = (await _client.Get(schedules, _owner)).Expect(HttpStatusCode.OK);

        Assert.All(throughOwnersWorkflow, r => r.ExpectError(HttpStatusCode.NotFound, "workflow_not_found"));
        Assert.All(throughStrangersWorkflow, r => r.ExpectError(HttpStatusCode.NotFound, "not_found"));
        Assert.All(throughOwnersWorkflow.Concat(throughStrangersWorkflow), r => Assert.Equal(r.RequestId, r.Str("error.request_id")));
        Assert.Equal(0, strangerList.Node("total")!.GetValue<int>());
        Assert.Equal(ownerBefore.Text, ownerAfter.Text);
        Assert.True(ownerAfter.Node("items.0.enabled")!.GetValue<bool>());
        Assert.Equal("mine", ownerAfter.Str("items.0.input.name"));
    }

    /// <summary>Every route that takes an id, asked by another tenant's admin: the answer is the one an id that
    /// exists nowhere gets (status, code and message, the id aside), so a stranger cannot even learn that the id is
    /// taken; and the owner's objects are unchanged.</summary>
    [Fact]
    public async Task EveryIdRoute_OtherTenantsIds_AnswerAsForAnIdThatDoesNotExist()
    {
        var workflowId = await _client.CreateWorkflow(_owner, Definitions.WaitForEvent("mine"));
        (await _client.Put($"/api/workflows/{workflowId}", _owner, Definitions.WaitForEvent("mine"))).Expect(HttpStatusCode.OK);
        var executionId = await _client.Execute(_owner, workflowId);
        await _client.WaitForStatus(_owner, executionId, "waiting");
        var scheduleId = (await _client.Post($"/api/workflows/{workflowId}/schedules", _owner, new JsonObject { ["cron"] = "0 0 1 1 *" }))
            .Expect(HttpStatusCode.Created).Str("id")!;
        var before = await Security.SecurityAssert.Snapshot(_client, _owner);

        var mismatches = new List<string>();
        foreach (var (method, template, body) in IdRoutes())
        {
            var real = await Call(method, template.Replace("{wf}", workflowId).Replace("{ex}", executionId).Replace("{sc}", scheduleId), body?.Replace("{wf}", workflowId));
            var ghost = (Workflow: Guid.NewGuid().ToString(), Execution: Guid.NewGuid().ToString(), Schedule: Guid.NewGuid().ToString());
            var missing = await Call(method, template.Replace("{wf}", ghost.Workflow).Replace("{ex}", ghost.Execution).Replace("{sc}", ghost.Schedule),
                body?.Replace("{wf}", ghost.Workflow));
            var realMessage = real.Str("error.message")?.Replace(workflowId, "ID").Replace(executionId, "ID").Replace(scheduleId, "ID");
            var missingMessage = missing.Str("error.message")?.Replace(ghost.Workflow, "ID").Replace(ghost.Execution, "ID").Replace(ghost.Schedule, "ID");
            if (real.Status != HttpStatusCode.NotFound || real.Status != missing.Status || real.Str("error.code") != missing.Str("error.code")
                || realMessage != missingMessage)
                mismatches.Add($"{method} {template}: stranger got {(int)real.Status} {real.Text}; a missing id got {(int)missing.Status} {missing.Text}");
        }
        var after = await Security.SecurityAssert.Snapshot(_client, _owner);

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(before, after);
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{executionId}", _owner)).Str("status"));
    }

    private Task<ApiResponse> Call(string method, string path, string? body) =>
        _client.Send(new HttpMethod(method), path, _stranger, body is null ? null : ApiCalls.Raw(System.Text.Encoding.UTF8.GetBytes(body), "application/json"));

    /// <summary>Every route with an id: {wf} a workflow, {ex} an execution, {sc} a schedule. Not PUT of a workflow: on
    /// an id the caller does not have, it creates the caller's own workflow under it.</summary>
    private static IEnumerable<(string Method, string Path, string? Body)> IdRoutes() =>
    [
        ("GET", "/api/workflows/{wf}", null),
        ("PATCH", "/api/workflows/{wf}", """{"status": "archived"}"""),
        ("DELETE", "/api/workflows/{wf}", null),
        ("GET", "/api/workflows/{wf}/versions", null),
        ("GET", "/api/workflows/{wf}/versions/1", null),
        ("POST", "/api/workflows/{wf}/versions/1/revert", "{}"),
        ("GET", "/api/workflows/{wf}/diff?from=1&to=2", null),
        ("POST", "/api/workflows/{wf}/execute", "{}"),
        ("POST", "/api/workflows/{wf}/test-execute", "{}"),
        ("POST", "/api/workflows/{wf}/test-execute", """{"skip_time": true}"""),
        ("POST", "/api/workflows/{wf}/tests", "{}"),
        ("GET", "/api/workflows/{wf}/executions", null),
        ("POST", "/api/executions", """{"workflow_id": "{wf}"}"""),
        ("GET", "/api/executions/{ex}", null),
        ("GET", "/api/executions/{ex}/steps", null),
        ("GET", "/api/executions/{ex}/logs", null),
        ("POST", "/api/executions/{ex}/pause", null),
        ("POST", "/api/executions/{ex}/resume", null),
        ("POST", "/api/executions/{ex}/cancel", null),
        ("POST", "/api/executions/{ex}/retry", null),
        ("POST", "/api/executions/{ex}/advance", null),
        ("POST", "/api/executions/{ex}/events", """{"name": "mine"}"""),
        ("POST", "/api/executions/{ex}/input", """{"data": 1}"""),
        ("GET", "/api/workflows/{wf}/schedules", null),
        ("POST", "/api/workflows/{wf}/schedules", """{"cron": "@daily"}"""),
        ("GET", "/api/workflows/{wf}/schedules/{sc}", null),
        ("PATCH", "/api/workflows/{wf}/schedules/{sc}", """{"enabled": false}"""),
        ("DELETE", "/api/workflows/{wf}/schedules/{sc}", null),
    ];

    [Theory]
    [InlineData("bad tenant!")]
    [InlineData("a/b")]
    [InlineData("../etc")]
    public async Task AnyRoute_InvalidTenantHeader_Returns400InvalidInput(string tenant)
    {
        var list = await _client.Get("/api/workflows", tenant);
        var create = await _client.Post("/api/workflows", tenant, Definitions.Greeting());

        list.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        create.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }

    [Fact]
    public async Task AnyRoute_TenantHeaderOf65Characters_Returns400InvalidInput()
    {
        var list = await _client.Get("/api/workflows", new string('a', 65));

        list.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }
}
