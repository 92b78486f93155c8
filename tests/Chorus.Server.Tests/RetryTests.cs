using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Runs its own server so the "flaky" step type can count attempts in this class.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private ChorusTestServer? _server;
    private int _attempts;
    private readonly string _tenant = ApiCalls.NewTenant();

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() =>
        _server = await ChorusTestServer.StartAsync(registry => registry.Register(new FlakyStep(this)));

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>Fails its first two attempts, then succeeds with the attempt count.</summary>
    private sealed class FlakyStep(RetryTests owner) : IStepHandler
    {
        public string Type => "flaky";

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref owner._attempts);
            return Task.FromResult<StepResult>(attempt <= 2
                ? new StepResult.Failed("flaky_failure", $"attempt {attempt} fails")
                : StepResult.Done(new JsonObject { ["attempts"] = attempt }));
        }
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
        Assert.Equal(3, _attempts);
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
}
