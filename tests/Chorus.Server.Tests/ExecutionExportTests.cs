using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>GET /api/executions/{id}/export: one JSON file with the execution, the version it ran, every step run,
/// the logs and the events, for a support case; a viewer may take it, another tenant may not.</summary>
public sealed class ExecutionExportTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Export_HoldsTheExecutionItsVersionStepsLogsAndEvents_AsTheirOwnRoutesShowThem()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.WaitForEvent("go"));
        var id = await _client.Execute(tenant, workflow, new JsonObject { ["order"] = "A-1" });
        await _client.WaitForStatus(tenant, id, "waiting");
        (await _client.Post($"/api/executions/{id}/events", tenant, new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["approved"] = true } }))
            .Expect(HttpStatusCode.Accepted);
        await _client.WaitForCompletion(tenant, id);

        var export = (await _client.Send(HttpMethod.Get, $"/api/executions/{id}/export", tenant, null, headers: [new("Authorization", "Bearer " + TestTokens.For(tenant, Role.Viewer))]))
            .Expect(HttpStatusCode.OK);

        Assert.Equal($"attachment; filename=\"execution-{id}.json\"", export.Headers["Content-Disposition"]);
        Assert.Equal(1, export.Node("format_version")!.GetValue<int>());
        Assert.True(DateTimeOffset.TryParse(export.Str("exported_at"), out _));
        var execution = (await _client.Get($"/api/executions/{id}", tenant)).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(execution.Node("context"), export.Node("execution.context")));
        Assert.Equal("completed", export.Str("execution.status"));
        Assert.Equal(1, export.Node("workflow_version.number")!.GetValue<int>());
        Assert.Equal("waits for go", export.Str("workflow_version.definition.name"));
        Assert.True(JsonNode.DeepEquals((await _client.Get($"/api/executions/{id}/steps", tenant)).Node("items"), export.Node("steps")));
        Assert.True(JsonNode.DeepEquals((await _client.Get($"/api/executions/{id}/logs", tenant)).Node("items"), export.Node("logs")));

        var events = export.Node("events")!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.All(events, e => Assert.Equal(id, (string?)e["execution_id"]));
        var types = events.Select(e => (string?)e["event"]).ToList();
        // In the order they happened: updates, each step's completion (the wait, then the output), the completion.
        Assert.Equal("workflow_execution_update", types[0]);
        Assert.Equal("workflow_execution_completed", types[^1]);
        Assert.Equal(["hold", "done"], events.Where(e => (string?)e["event"] == "workflow_step_completed").Select(e => (string?)e["step_id"]));
    }

    [Fact]
    public async Task Export_OfAnotherTenantsOrAnUnknownExecution_IsNotFound_AndWithoutCredentialUnauthorized()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting());
        var id = await _client.Execute(tenant, workflow, new JsonObject { ["name"] = "Ada" });
        await _client.WaitForCompletion(tenant, id);

        (await _client.Get($"/api/executions/{id}/export", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await _client.Get($"/api/executions/{Guid.NewGuid()}/export", tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await _client.Get("/api/executions/not-an-id/export", tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, $"api/executions/{id}/export");
        using var response = await _client.SendAsync(anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
