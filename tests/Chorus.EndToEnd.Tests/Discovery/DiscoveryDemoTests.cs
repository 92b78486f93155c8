using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Discovery;

/// <summary>The steps-microservice system's own demo, run unchanged on Chorus: its curl body, its workflow id, its six
/// remote steps, and a steps service that dies in the middle of a run.</summary>
[Trait("Category", "EndToEnd")]
public sealed class DiscoveryDemoTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);

    // The body of the system's README curl, verbatim.
    private const string SeedBody = """
        {
            "workflow_id": "01234567-89ab-cdef-0123-456789abcdef",
            "mode": "automatic",
            "initial_data": {
              "user_id": 2,
              "dynamic_properties": {
                "propiedadA": "admin",
                "propiedadB": "test_value"
              }
            }
          }
        """;

    [Fact]
    public async Task SeedCurl_RunsEveryRemoteStepAndTakesTheDecidedBranch()
    {
        await using var stack = await DiscoveryStack.StartAsync();

        var started = await stack.Api.PostAsync("/api/executions", JsonNode.Parse(SeedBody)!.AsObject());
        var id = started["id"]!.GetValue<string>();
        var status = await stack.Api.WaitForStatusAsync([id], RunLimit, "completed", "failed", "cancelled");
        var runs = await stack.Api.StepRunsAsync(id);

        Assert.True(status[id] == "completed", $"{status[id]}: {runs.ToJsonString()}\n{stack.Server.Tail}");
        var completed = runs.Where(r => r!["status"]!.GetValue<string>() == "completed").Select(r => r!["step_id"]!.GetValue<string>()).ToList();
        Assert.Equal(["fetch_user", "validate_user", "transform_data", "decide", "route"], completed.Take(5));
        // User 2 of the demo directory comes back from fetch_user, and the branch taken is the one decide chose.
        Assert.Equal(2, Output(runs, "fetch_user")!["id"]!.GetValue<int>());
        var approved = Output(runs, "decide")!["approved"]!.GetValue<bool>();
        Assert.Equal(approved ? "approve_user" : "reject_user", completed.Last());
        Assert.Equal(approved ? "approved" : "rejected", Output(runs, completed.Last())!["status"]!.GetValue<string>());
        Assert.DoesNotContain(approved ? "reject_user" : "approve_user", completed);
    }

    [Fact]
    public async Task ManualMode_AdvancesOneStepPerCall()
    {
        await using var stack = await DiscoveryStack.StartAsync();
        var body = JsonNode.Parse(SeedBody)!.AsObject();
        body["mode"] = "manual";

        var id = (await stack.Api.PostAsync("/api/executions", body))["id"]!.GetValue<string>();
        var finished = new List<int>();
        for (var call = 0; call < 10 && await stack.Api.StatusAsync(id) is not ("completed" or "failed"); call++)
        {
            await stack.Api.PostAsync($"/api/executions/{id}/advance", new JsonObject());
            finished.Add(await WaitForCompletedRunsAsync(stack, id, finished.LastOrDefault() + 1));
        }

        Assert.Equal("completed", await stack.Api.StatusAsync(id));
        // Each call ran exactly one more step: 1, 2, 3, ... up to the six steps on the path taken.
        Assert.Equal(Enumerable.Range(1, finished.Count), finished);
        Assert.Equal(6, finished.Count);
    }

    [Fact]
    public async Task StepsServiceKilledMidRun_EveryExecutionFinishes_TransformCommittedOnce_CircuitOpensAndCloses()
    {
        await using var stack = await DiscoveryStack.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var body = JsonNode.Parse(SeedBody)!.AsObject();
            body["initial_data"]!["user_id"] = i % 2 == 0 ? 2 : 3;
            ids.Add((await stack.Api.PostAsync("/api/executions", body))["id"]!.GetValue<string>());
        }
        // transform_data takes 4 s: kill the service while the executions are inside it.
        await WaitUntilAsync(async () => (await Task.WhenAll(ids.Select(async id =>
            (await stack.Api.GetAsync($"/api/executions/{id}"))["current_step"]?.ToString()))).All(s => s == "transform_data"));
        await stack.Steps.KillAsync();
        await WaitUntilAsync(() => Task.FromResult(stack.Server.Printed("steps service circuit opened").Count > 0));
        await stack.StartStepsServiceAsync();

        var status = await stack.Api.WaitForStatusAsync(ids, RunLimit, "completed", "failed", "cancelled");

        Assert.True(status.Values.All(s => s == "completed"), $"{string.Join(", ", status.Values)}\n{stack.Server.Tail}");
        foreach (var id in ids)
        {
            var runs = await stack.Api.StepRunsAsync(id);
            var transforms = runs.Where(r => r!["step_id"]!.GetValue<string>() == "transform_data").ToList();
            Assert.Single(transforms, r => r!["status"]!.GetValue<string>() == "completed");
            // The killed calls show as failed attempts with the remote error, not as lost work.
            Assert.Contains(transforms, r => r!["status"]!.GetValue<string>() == "failed"
                && r["error"]?["code"]?.GetValue<string>() == "external_service_error");
        }
        Assert.NotEmpty(stack.Server.Printed("steps service circuit closed"));
    }

    private static JsonObject? Output(JsonArray runs, string stepId) =>
        runs.Last(r => r!["step_id"]!.GetValue<string>() == stepId && r["status"]!.GetValue<string>() == "completed")!["output"] as JsonObject;

    private static async Task<int> WaitForCompletedRunsAsync(DiscoveryStack stack, string id, int atLeast)
    {
        var count = 0;
        await WaitUntilAsync(async () =>
        {
            count = (await stack.Api.StepRunsAsync(id)).Count(r => r!["status"]!.GetValue<string>() == "completed");
            return count >= atLeast;
        });
        return count;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < RunLimit, "The condition did not hold in time.");
            await Task.Delay(100);
        }
    }
}
