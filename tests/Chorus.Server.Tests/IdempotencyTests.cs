using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Idempotency-Key on the routes that start an execution: a repeat answers the first one's execution.</summary>
public sealed class IdempotencyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Client => server.Client;

    private Task<ApiResponse> Start(string tenant, string path, JsonObject body, string key) =>
        Client.Send(HttpMethod.Post, path, tenant, ApiCalls.Json(body), headers: [new("Idempotency-Key", key)]);

    private async Task<int> CountExecutions(string tenant) =>
        (await Client.Get("/api/executions?include_tests=true", tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray().Count;

    [Fact]
    public async Task Execute_RepeatedWithSameKey_Answers200WithTheFirstExecution()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var body = new JsonObject { ["input"] = new JsonObject { ["name"] = "Ada" } };

        var first = (await Start(tenant, $"/api/workflows/{workflow}/execute", body, "order-42")).Expect(HttpStatusCode.Accepted);
        var again = (await Start(tenant, $"/api/workflows/{workflow}/execute", body, "order-42")).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal("true", again.Headers.GetValueOrDefault("Idempotent-Replayed"));
        Assert.Equal($"/api/executions/{first.Str("id")}", again.Location);
        Assert.Equal(1, await CountExecutions(tenant));
    }

    [Fact]
    public async Task Execute_KeysWithDifferentBodyOrWorkflow_Answer409AndStartNothing()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var other = await Client.CreateWorkflow(tenant, Definitions.Greeting("other"));
        (await Start(tenant, $"/api/workflows/{workflow}/execute", new JsonObject { ["input"] = new JsonObject { ["name"] = "a" } }, "k1"))
            .Expect(HttpStatusCode.Accepted);

        var otherBody = await Start(tenant, $"/api/workflows/{workflow}/execute", new JsonObject { ["input"] = new JsonObject { ["name"] = "b" } }, "k1");
        var otherWorkflow = await Start(tenant, $"/api/workflows/{other}/execute", new JsonObject { ["input"] = new JsonObject { ["name"] = "a" } }, "k1");

        otherBody.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("idempotency_key_reused", otherBody.Str("error.details.reason"));
        otherWorkflow.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(1, await CountExecutions(tenant));
    }

    [Fact]
    public async Task Execute_SameKeyWithKeysInAnotherOrder_IsTheSameRequest()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());

        var first = (await Start(tenant, $"/api/workflows/{workflow}/execute", Definitions.Parse("""{"mode": "automatic", "input": {"name": "x"}}"""), "k"))
            .Expect(HttpStatusCode.Accepted);
        var again = (await Start(tenant, $"/api/workflows/{workflow}/execute", Definitions.Parse("""{"input": {"name": "x"}, "mode": "automatic"}"""), "k"))
            .Expect(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), again.Str("id"));
    }

    [Fact]
    public async Task Execute_SameKeyInTwoTenants_StartsOneExecutionEach()
    {
        var (a, b) = (ApiCalls.NewTenant(), ApiCalls.NewTenant());
        var workflowA = await Client.CreateWorkflow(a, Definitions.Greeting());
        var workflowB = await Client.CreateWorkflow(b, Definitions.Greeting());

        var inA = (await Start(a, $"/api/workflows/{workflowA}/execute", new JsonObject(), "shared")).Expect(HttpStatusCode.Accepted);
        var inB = (await Start(b, $"/api/workflows/{workflowB}/execute", new JsonObject(), "shared")).Expect(HttpStatusCode.Accepted);

        Assert.NotEqual(inA.Str("id"), inB.Str("id"));
    }

    [Fact]
    public async Task Execute_TwentyRacingRequestsWithOneKey_StartOneExecution()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var body = new JsonObject { ["input"] = new JsonObject { ["name"] = "race" } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Start(tenant, $"/api/workflows/{workflow}/execute", body, "race-key")));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Accepted);
        Assert.Equal(19, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Single(answers.Select(a => a.Str("id")).Distinct());
        Assert.Equal(1, await CountExecutions(tenant));
    }

    [Fact]
    public async Task StartRoute_RepeatedWithSameKey_AnswersTheSameExecution()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var body = new JsonObject { ["workflow_id"] = workflow, ["initial_data"] = new JsonObject { ["name"] = "s" } };

        var first = (await Start(tenant, "/api/executions", body, "start-1")).Expect(HttpStatusCode.Accepted);
        var again = (await Start(tenant, "/api/executions", body, "start-1")).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal(1, await CountExecutions(tenant));
    }

    [Fact]
    public async Task TestExecute_RepeatedWithSameKey_AnswersTheSameRun()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var body = new JsonObject { ["input"] = new JsonObject { ["name"] = "t" } };

        var first = (await Start(tenant, $"/api/workflows/{workflow}/test-execute", body, "test-1")).Expect(HttpStatusCode.OK);
        var again = (await Start(tenant, $"/api/workflows/{workflow}/test-execute", body, "test-1")).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal("completed", again.Str("status"));
        Assert.Equal(1, await CountExecutions(tenant));
    }

    [Fact]
    public async Task Execute_RepeatAfterTheWorkflowWasArchived_StillAnswersTheFirstExecution()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var first = (await Start(tenant, $"/api/workflows/{workflow}/execute", new JsonObject(), "before-archive")).Expect(HttpStatusCode.Accepted);
        (await Client.Patch($"/api/workflows/{workflow}", tenant, new JsonObject { ["status"] = "archived" })).Expect(HttpStatusCode.OK);

        var again = (await Start(tenant, $"/api/workflows/{workflow}/execute", new JsonObject(), "before-archive")).Expect(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), again.Str("id"));
    }

    [Fact]
    public async Task Execute_KeyOf255PrintableCharacters_IsAccepted()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await Client.CreateWorkflow(tenant, Definitions.Greeting());
        var key = string.Concat(Enumerable.Range(0, 255).Select(i => (char)('!' + i % 94)));

        (await Start(tenant, $"/api/workflows/{workflow}/execute", new JsonObject(), key)).Expect(HttpStatusCode.Accepted);
        (await Start(tenant, $"/api/workflows/{workflow}/execute", new JsonObject(), key)).Expect(HttpStatusCode.OK);
    }
}
