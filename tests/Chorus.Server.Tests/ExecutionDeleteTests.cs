using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Deleting executions' history: DELETE /api/executions/{id} and the bulk action "delete", for admins, of
/// ended executions only; everything the execution owned goes with it.</summary>
public sealed class ExecutionDeleteTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private async Task<string> CompletedAsync(string tenant, string workflow)
    {
        var id = await _client.Execute(tenant, workflow, new JsonObject { ["name"] = "Ada" });
        await _client.WaitForCompletion(tenant, id);
        return id;
    }

    private Task<ApiResponse> AsRole(HttpMethod method, string path, string tenant, Role role, JsonNode? body = null) =>
        _client.Send(method, path, tenant, body is null ? null : ApiCalls.Json(body), headers: [new("Authorization", "Bearer " + TestTokens.For(tenant, role))]);

    [Fact]
    public async Task Delete_AnEndedExecution_RemovesItAndAllItOwned_AndOnlyThat()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting());
        var doomed = await CompletedAsync(tenant, workflow);
        var kept = await CompletedAsync(tenant, workflow);

        (await AsRole(HttpMethod.Delete, $"/api/executions/{doomed}", tenant, Role.Member)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await _client.Delete($"/api/executions/{doomed}", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await _client.Delete($"/api/executions/{doomed}", tenant)).Expect(HttpStatusCode.NoContent);

        foreach (var part in new[] { "", "/steps", "/logs", "/export" })
            (await _client.Get($"/api/executions/{doomed}{part}", tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await _client.Delete($"/api/executions/{doomed}", tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        var list = (await _client.Get($"/api/executions?workflow_id={workflow}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal([kept], list.Node("items")!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        Assert.Single((await _client.Get($"/api/executions/{kept}/steps", tenant)).Node("items")!.AsArray(), s => s!["step_id"]!.GetValue<string>() == "greet");
    }

    [Fact]
    public async Task Delete_AnExecutionStillGoing_IsAConflict_AndChangesNothing()
    {
        var tenant = ApiCalls.NewTenant();
        var waiting = await _client.Execute(tenant, await _client.CreateWorkflow(tenant, Definitions.WaitForEvent("go")));
        await _client.WaitForStatus(tenant, waiting, "waiting");

        var refused = (await _client.Delete($"/api/executions/{waiting}", tenant)).ExpectError(HttpStatusCode.Conflict, "conflict");

        Assert.Equal("waiting", refused.Str("error.details.status"));
        Assert.Equal("waiting", (await _client.Get($"/api/executions/{waiting}", tenant)).Str("status"));
    }

    [Fact]
    public async Task BulkDelete_ByFilter_DeletesTheEndedOnes_ReportsTheOthers_AndIsForAdminsOnly()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting());
        var ended = new[] { await CompletedAsync(tenant, workflow), await CompletedAsync(tenant, workflow) };
        var waiting = await _client.Execute(tenant, await _client.CreateWorkflow(tenant, Definitions.WaitForEvent("go")));
        await _client.WaitForStatus(tenant, waiting, "waiting");
        var everything = new JsonObject { ["action"] = "delete", ["filter"] = new JsonObject() };

        (await AsRole(HttpMethod.Post, "/api/executions/bulk", tenant, Role.Member, everything)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Equal(3, (await _client.Get("/api/executions", tenant)).Node("items")!.AsArray().Count);

        var answer = (await _client.Post("/api/executions/bulk", tenant, everything)).Expect(HttpStatusCode.OK);
        Assert.Equal(3, answer.Node("matched")!.GetValue<int>());
        Assert.Equal(2, answer.Node("succeeded")!.GetValue<int>());
        Assert.Equal(1, answer.Node("failed")!.GetValue<int>());
        var results = answer.Node("results")!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!.AsObject());
        Assert.All(ended, id => Assert.Equal("deleted", results[id]["status"]!.GetValue<string>()));
        Assert.Equal("conflict", results[waiting]["error"]!["code"]!.GetValue<string>());
        Assert.Equal([waiting], (await _client.Get("/api/executions", tenant)).Node("items")!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
    }
}
