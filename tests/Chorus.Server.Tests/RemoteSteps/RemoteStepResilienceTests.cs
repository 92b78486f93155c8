using System.Net;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.RemoteSteps;

/// <summary>The steps service failing, hanging or going away: breaker, local fallback, cancellation.</summary>
public sealed class RemoteStepResilienceTests
{
    private readonly string _tenant = ApiCalls.NewTenant();

    /// <summary>The application's own fetch_user, which the engine runs when the service cannot answer.</summary>
    private sealed class LocalFetchUser : IStepHandler
    {
        public string Type => "fetch_user";

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
            Task.FromResult<StepResult>(StepResult.Done(new JsonObject { ["source"] = "local" }));
    }

    private static async Task<string> RunToEnd(HttpClient client, string tenant, string workflowId)
    {
        var id = await client.Execute(tenant, workflowId);
        var end = await client.WaitForStatus(tenant, id, "completed", "failed");
        return end.Str("status")!;
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterRepeatedFailures_StopsCallingThenClosesWhenTheServiceRecovers()
    {
        var failing = true;
        var broken = new FakeStep
        {
            Name = "broken",
            Answer = (_, _, _) => Task.FromResult(Volatile.Read(ref failing)
                ? FakeReply.Error(500, "step_failed", "boom", retryable: true)
                : FakeReply.Output(new JsonObject { ["ok"] = true })),
        };
        await using var service = await FakeStepsService.StartAsync(broken);
        await using var server = await RemoteStepServer.StartAsync([service.Url],
            tune: o => o with { CallRetries = 0, BreakerFailures = 3, BreakDuration = TimeSpan.FromSeconds(1) });
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "breaker", "steps": [{"id": "call", "type": "broken", "retry": {"max_attempts": 1}}]}
            """));

        for (var i = 0; i < 3; i++)
            Assert.Equal("failed", await RunToEnd(server.Client, _tenant, workflowId));
        var reachedBeforeOpen = service.CallsOf("broken").Count;
        var whileOpen = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForStatus(_tenant, whileOpen, "failed");
        var openSteps = (await server.Client.Get($"/api/executions/{whileOpen}/steps", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(3, reachedBeforeOpen);
        Assert.Equal(3, service.CallsOf("broken").Count);
        Assert.Contains("external_service_error", openSteps.Text);
        Assert.Contains("circuit", openSteps.Text);

        Volatile.Write(ref failing, false);
        var status = "failed";
        for (var tries = 0; tries < 60 && status != "completed"; tries++)
        {
            status = await RunToEnd(server.Client, _tenant, workflowId);
            if (status != "completed")
                await Task.Delay(250);
        }
        Assert.Equal("completed", status);
        // Closed again: the next call goes straight through.
        Assert.Equal("completed", await RunToEnd(server.Client, _tenant, workflowId));
        Assert.True(service.CallsOf("broken").Count >= 5);
    }

    [Fact]
    public async Task LocalFallback_RemoteWhileTheServiceAnswers_LocalHandlerWhenItIsDown()
    {
        await using var service = await FakeStepsService.StartAsync(FakeStep.Returning("fetch_user", _ => new JsonObject { ["source"] = "remote" }));
        await using var server = await RemoteStepServer.StartAsync([service.Url], registry => registry.Register(new LocalFetchUser()));
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "fallback", "steps": [{"id": "fetch", "type": "fetch_user", "retry": {"max_attempts": 1}}]}
            """));

        var up = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForCompletion(_tenant, up);
        await service.StopAsync();
        var down = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForCompletion(_tenant, down);

        var upSteps = (await server.Client.Get($"/api/executions/{up}/steps", _tenant)).Expect(HttpStatusCode.OK);
        var downSteps = (await server.Client.Get($"/api/executions/{down}/steps", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("remote", upSteps.Str("items.0.output.source"));
        Assert.Equal("local", downSteps.Str("items.0.output.source"));
        var logs = (await server.Client.Get($"/api/executions/{down}/logs", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains(logs.Node("items")!.AsArray(), l => l!["message"]!.GetValue<string>() == "steps service unavailable, ran fetch_user locally");
    }

    [Fact]
    public async Task StepTimeout_CancelsTheCallOnTheService()
    {
        var (hanging, aborted) = HangingStep();
        await using var service = await FakeStepsService.StartAsync(hanging);
        await using var server = await RemoteStepServer.StartAsync([service.Url], tune: o => o with { CallRetries = 0 });
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "slow", "steps": [{"id": "slow", "type": "transform_data", "timeout": "1s", "retry": {"max_attempts": 1}}]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForStatus(_tenant, id, "failed");

        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Single(service.CallsOf("transform_data"));
    }

    [Fact]
    public async Task CancellingTheExecution_CancelsTheCallOnTheService()
    {
        var (hanging, aborted) = HangingStep();
        await using var service = await FakeStepsService.StartAsync(hanging);
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "slow", "steps": [{"id": "slow", "type": "transform_data"}]}
            """));
        var id = await server.Client.Execute(_tenant, workflowId);
        for (var tries = 0; tries < 300 && service.CallsOf("transform_data").Count == 0; tries++)
            await Task.Delay(50);

        (await server.Client.Post($"/api/executions/{id}/cancel", _tenant)).Expect(HttpStatusCode.OK);
        await server.Client.WaitForStatus(_tenant, id, "cancelled");

        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Single(service.CallsOf("transform_data"));
    }

    /// <summary>A transform_data that answers only when cancelled, and the signal that its call was cancelled.</summary>
    private static (FakeStep Step, TaskCompletionSource Aborted) HangingStep()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var step = new FakeStep
        {
            Name = "transform_data",
            Answer = async (_, _, ct) =>
            {
                using var registration = ct.Register(() => aborted.TrySetResult());
                await Task.Delay(Timeout.Infinite, ct);
                return FakeReply.Output(null);
            },
        };
        return (step, aborted);
    }
}
