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

        var responses = new[]
        {
            await _client.Get($"/api/workflows/{id}", _stranger),
            await _client.Put($"/api/workflows/{id}", _stranger, Definitions.Greeting("hijacked")),
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
