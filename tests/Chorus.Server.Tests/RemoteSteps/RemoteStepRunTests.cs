using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.RemoteSteps;

/// <summary>Steps offered by a real steps service on 127.0.0.1, run by a real server.</summary>
public sealed class RemoteStepRunTests
{
    private readonly string _tenant = ApiCalls.NewTenant();

    private static FakeStep FetchUser() => FakeStep.Returning("fetch_user", call => new JsonObject
    {
        ["id"] = call.Config["user_id"]?.DeepClone(),
        ["name"] = "Ada",
    });

    [Fact]
    public async Task RemoteStep_ServiceOffersType_RunsThereAndItsOutputLandsInTheContext()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "remote", "steps": [
              {"id": "fetch", "type": "fetch_user", "config": {"user_id": 7}, "next": "greet"},
              {"id": "greet", "type": "output", "config": {"value": "hello {{ fetch.name }}"}}
            ]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId, new JsonObject { ["user_id"] = 7 });
        var done = await server.Client.WaitForCompletion(_tenant, id);

        var call = Assert.Single(service.CallsOf("fetch_user"));
        Assert.Equal(7, call.Config["user_id"]!.GetValue<int>());
        Assert.Equal(7, call.Context["input"]!["user_id"]!.GetValue<int>());
        Assert.Equal(id, call.ExecutionId);
        Assert.Equal("fetch", call.StepId);
        Assert.Equal("1", call.Attempt);
        Assert.Equal(_tenant, call.Tenant);
        Assert.Equal($"{id}:fetch:1", call.IdempotencyKey);
        var steps = (await server.Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        var greet = steps.Node("items")!.AsArray().Single(r => r!["step_id"]!.GetValue<string>() == "greet")!;
        Assert.Equal("hello Ada", greet["output"]!.GetValue<string>());
        var logs = (await server.Client.Get($"/api/executions/{id}/logs", _tenant)).Expect(HttpStatusCode.OK);
        var latency = Assert.Single(logs.Node("items")!.AsArray(), l => l!["message"]!.GetValue<string>().StartsWith("remote step fetch_user answered in", StringComparison.Ordinal))!;
        Assert.Contains(service.Url.ToString().TrimEnd('/'), latency["message"]!.GetValue<string>());
        Assert.Equal(service.Url.ToString().TrimEnd('/'), latency["data"]!["service"]!.GetValue<string>());
        Assert.Equal(200, latency["data"]!["status"]!.GetValue<int>());
        Assert.True(latency["data"]!["latency_ms"]!.GetValue<long>() >= 0);
        Assert.Equal("completed", done.Str("status"));
    }

    [Fact]
    public async Task ActionStep_ActionNamesARemoteStep_SavesAndRunsThereWithoutTheActionKey()
    {
        await using var service = await FakeStepsService.StartAsync(new FakeStep { Name = "process_data_1" });
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "seed action", "steps": [
              {"id": "process", "name": "Process", "type": "action", "config": {"action": "process_data_1", "batch": 3}}
            ]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForCompletion(_tenant, id);

        var call = Assert.Single(service.CallsOf("process_data_1"));
        Assert.Equal("""{"batch":3}""", call.Config.ToJsonString());
        var steps = (await server.Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(3, steps.Node("items.0.output.echo.batch")!.GetValue<int>());
    }

    [Fact]
    public async Task ParallelStep_InlineActionsOfRemoteSteps_RunThere()
    {
        await using var service = await FakeStepsService.StartAsync(new FakeStep { Name = "process_data_1" }, new FakeStep { Name = "process_data_2" });
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "seed parallel", "steps": [
              {"id": "fan", "type": "parallel", "config": {"parallel_steps": [{"action": "process_data_1"}, {"action": "process_data_2"}]}}
            ]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForCompletion(_tenant, id);

        Assert.Single(service.CallsOf("process_data_1"));
        Assert.Single(service.CallsOf("process_data_2"));
    }

    [Fact]
    public async Task TransientFailures_RetriedInCallWithOneKey_ThenByTheStepRetryWithTheNextAttemptsKey()
    {
        // Three deliveries (one call and its two in-call retries) answer 503; the fourth, the step's second attempt, succeeds.
        var flaky = new FakeStep
        {
            Name = "flaky",
            Answer = (_, n, _) => Task.FromResult(n <= 3
                ? FakeReply.Error(503, "unavailable", "warming up", retryable: true)
                : FakeReply.Output(new JsonObject { ["delivery"] = n })),
        };
        await using var service = await FakeStepsService.StartAsync(flaky);
        await using var server = await RemoteStepServer.StartAsync([service.Url], tune: o => o with { BreakerFailures = 20 });
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "flaky", "steps": [{"id": "shaky", "type": "flaky", "retry": {"max_attempts": 3, "initial_interval": "0.1s"}}]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForCompletion(_tenant, id);

        var keys = service.CallsOf("flaky").Select(c => c.IdempotencyKey).ToList();
        Assert.Equal([$"{id}:shaky:1", $"{id}:shaky:1", $"{id}:shaky:1", $"{id}:shaky:2"], keys);
        var steps = (await server.Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        var completed = steps.Node("items")!.AsArray().Single(r => r!["status"]!.GetValue<string>() == "completed")!;
        Assert.Equal(4, completed["output"]!["delivery"]!.GetValue<int>());
    }

    [Fact]
    public async Task NonRetryableError_FailsTheStepOnceWithTheServicesCode()
    {
        var refusing = new FakeStep
        {
            Name = "approve_user",
            Answer = (_, _, _) => Task.FromResult(FakeReply.Error(422, "user_blocked", "user 7 is blocked", retryable: false)),
        };
        await using var service = await FakeStepsService.StartAsync(refusing);
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "refused", "steps": [{"id": "approve", "type": "approve_user", "retry": {"max_attempts": 3, "initial_interval": "0.1s"}}]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId);
        var failed = await server.Client.WaitForStatus(_tenant, id, "failed");

        Assert.Single(service.CallsOf("approve_user"));
        var steps = (await server.Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains("user_blocked", steps.Text);
        Assert.Contains("user 7 is blocked", steps.Text);
        Assert.Equal("failed", failed.Str("status"));
    }

    [Fact]
    public async Task ServiceDown_StepFailsWithExternalServiceError_RetryAfterItIsBackCompletes()
    {
        await using var service = await FakeStepsService.StartAsync(FetchUser());
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "down", "steps": [{"id": "fetch", "type": "fetch_user", "config": {"user_id": 2}, "retry": {"max_attempts": 1}}]}
            """));
        await service.StopAsync();

        var id = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForStatus(_tenant, id, "failed");
        var steps = (await server.Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains("external_service_error", steps.Text);

        await service.RestartAsync();
        (await server.Client.Post($"/api/executions/{id}/retry", _tenant)).Expect(HttpStatusCode.OK);
        await server.Client.WaitForCompletion(_tenant, id);

        var call = Assert.Single(service.CallsOf("fetch_user"));
        Assert.Equal(2, call.Config["user_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task SuccessWithoutOutput_IsAProtocolError_FailsWithoutRetries()
    {
        var odd = new FakeStep { Name = "odd", Answer = (_, _, _) => Task.FromResult(new FakeReply(200, new JsonObject { ["result"] = 1 })) };
        await using var service = await FakeStepsService.StartAsync(odd);
        await using var server = await RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "odd", "steps": [{"id": "odd", "type": "odd", "retry": {"max_attempts": 3, "initial_interval": "0.1s"}}]}
            """));

        var id = await server.Client.Execute(_tenant, workflowId);
        await server.Client.WaitForStatus(_tenant, id, "failed");

        Assert.Single(service.CallsOf("odd"));
        var steps = (await server.Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains("external_service_error", steps.Text);
        Assert.Contains("but no", steps.Text);
    }
}
