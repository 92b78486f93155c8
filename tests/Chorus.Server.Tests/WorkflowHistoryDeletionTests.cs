using System.Net;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class WorkflowHistoryDeletionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Delete_WithDeleteHistory_RemovesItsExecutions_AndLeavesAnotherTenantsAlone()
    {
        var tenant = ApiCalls.NewTenant();
        var other = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting("doomed"));
        var execution = await _client.Execute(tenant, workflow);
        await _client.WaitForCompletion(tenant, execution);
        var otherWorkflow = await _client.CreateWorkflow(other, Definitions.Greeting("kept"));
        var otherExecution = await _client.Execute(other, otherWorkflow);
        await _client.WaitForCompletion(other, otherExecution);

        (await _client.Delete($"/api/workflows/{workflow}?delete_history=true", tenant)).Expect(HttpStatusCode.NoContent);

        (await _client.Get($"/api/executions/{execution}", tenant)).Expect(HttpStatusCode.NotFound);
        (await _client.Get($"/api/executions/{otherExecution}", other)).Expect(HttpStatusCode.OK);
        var steps = (await _client.Get($"/api/executions/{otherExecution}/steps", other));
        Assert.Equal(HttpStatusCode.OK, steps.Status);
    }

    [Fact]
    public async Task Delete_WithoutDeleteHistory_KeepsTheExecutions()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting("history kept"));
        var execution = await _client.Execute(tenant, workflow);
        await _client.WaitForCompletion(tenant, execution);

        (await _client.Delete($"/api/workflows/{workflow}", tenant)).Expect(HttpStatusCode.NoContent);

        (await _client.Get($"/api/executions/{execution}", tenant)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_WithABadDeleteHistoryValue_IsRefusedAndDeletesNothing()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting("bad flag"));

        var refused = await _client.Delete($"/api/workflows/{workflow}?delete_history=yes", tenant);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_input", refused.Str("error.code"));
        (await _client.Get($"/api/workflows/{workflow}", tenant)).Expect(HttpStatusCode.OK);
    }
}
