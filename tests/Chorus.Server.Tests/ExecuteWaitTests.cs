using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary><c>?wait=</c> on the routes that start an execution: the ended execution with its output (200), the
/// execution as it stands when it did not end in time (202), and a bad wait refused before anything starts.</summary>
public sealed class ExecuteWaitTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task ExecuteWithWait_AnswersTheEndedExecutionWithItsOutput()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting());

        var answer = (await _client.Post($"/api/workflows/{workflow}/execute?wait=20s", tenant, new JsonObject { ["input"] = new JsonObject { ["name"] = "Ada" } }))
            .Expect(HttpStatusCode.OK);

        Assert.Equal("completed", answer.Str("status"));
        Assert.Equal("hello Ada", answer.Str("output.greeting"));
    }

    [Fact]
    public async Task StartWithWait_OnTheExecutionsRoute_AnswersTheEndedExecution()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting());

        var answer = (await _client.Post("/api/executions?wait=20s", tenant,
            new JsonObject { ["workflow_id"] = workflow, ["initial_data"] = new JsonObject { ["name"] = "Grace" } })).Expect(HttpStatusCode.OK);

        Assert.Equal("hello Grace", answer.Str("output.greeting"));
    }

    [Fact]
    public async Task ExecuteWithWait_ThatDoesNotEndInTime_Answers202WithTheExecutionAsItStands()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.WaitForEvent("never"));

        var answer = (await _client.Post($"/api/workflows/{workflow}/execute?wait=500ms", tenant, new JsonObject())).Expect(HttpStatusCode.Accepted);

        Assert.Equal("waiting", answer.Str("status"));
    }

    [Theory]
    [InlineData("2h")]
    [InlineData("61s")]
    [InlineData("0")]
    [InlineData("soon")]
    public async Task ExecuteWithABadWait_IsRefused_AndStartsNothing(string wait)
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Greeting());

        var refused = (await _client.Post($"/api/workflows/{workflow}/execute?wait={wait}", tenant, new JsonObject())).ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        Assert.Equal("wait", refused.Str("error.details.field"));
        Assert.Equal(0, (await _client.Get($"/api/workflows/{workflow}/executions", tenant)).Node("total")!.GetValue<int>());
    }
}
