using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>SPEC §4: a server killed with SIGKILL loses nothing it committed, and work in flight runs again after
/// a restart on the same database (at-least-once effects, exactly-once engine state).</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);
    // The workflows' effects endpoint is on 127.0.0.1, which the outbound HTTP policy refuses unless told.
    private static readonly Dictionary<string, string> Env = new() { ["WORKER_CONCURRENCY"] = "8", ["HTTP_ALLOW_PRIVATE"] = "true" };
    private readonly RestartableServer _server = new(Env);

    private Task<ServerProcess> StartServerAsync() => _server.StartAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SigkillTwiceMidSequence_EveryExecutionCompletes_CommittedEffectsAreNotRepeated()
    {
        const int executions = 40;
        const int steps = 5;
        await using var effects = new EffectsEndpoint(100, 300);
        var server = await StartServerAsync();
        using var api = new ChorusApi(_server.Port);
        var workflow = await api.CreateWorkflowAsync(CrashWorkflows.Sequence(effects.Url, steps));
        var byTag = new Dictionary<string, string>();
        for (var i = 0; i < executions; i++)
        {
            var tag = Guid.NewGuid().ToString("N");
            byTag[tag] = await api.StartAsync(workflow, new JsonObject { ["tag"] = tag });
        }

        var kills = new List<(TimeSpan KilledAt, TimeSpan RestartedAt)>();
        foreach (var threshold in new[] { 40, 110 })
        {
            await WaitUntilAsync(() => effects.Count >= threshold, "effects to reach " + threshold);
            await server.KillAsync();
            var killedAt = effects.Now;
            server = await StartServerAsync();
            kills.Add((killedAt, effects.Now));
        }

        var statuses = await api.WaitForStatusAsync(byTag.Values.ToList(), Bounded, "completed", "failed", "cancelled");
        Assert.True(statuses.Values.All(s => s == "completed"),
            $"Not all completed: {string.Join(", ", statuses.Values.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}"))}\n{server.Tail}");

        var calls = effects.Calls;
        foreach (var (tag, executionId) in byTag)
        {
            var runs = await api.StepRunsAsync(executionId);
            var duplicated = 0;
            for (var i = 1; i <= steps; i++)
            {
                var step = $"s{i}";
                var stepRuns = runs.Select(r => r!.AsObject()).Where(r => r["step_id"]!.GetValue<string>() == step).ToList();
                var completed = stepRuns.Where(r => r["status"]!.GetValue<string>() == "completed").ToList();
                Assert.Single(completed);
                Assert.All(stepRuns, r => Assert.Contains(r["status"]!.GetValue<string>(), new[] { "completed", "failed" }));

                var stepCalls = calls.Where(c => c.Tag == tag && c.Step == step).ToList();
                Assert.NotEmpty(stepCalls);
                // Every delivery of one attempt carries that attempt's key; the committed attempt's key is among them.
                Assert.Equal(stepRuns.Count, stepCalls.Select(c => c.IdempotencyKey).Distinct().Count());
                Assert.Contains(completed[0]["idempotency_key"]!.GetValue<string>(), stepCalls.Select(c => c.IdempotencyKey));
                if (stepCalls.Count > stepRuns.Count)
                {
                    duplicated++;
                    // A repeated effect must have been in flight at a kill: called before it and again after the restart.
                    Assert.Contains(kills, k => stepCalls.Any(c => c.At < k.KilledAt) && stepCalls.Any(c => c.At >= k.KilledAt));
                }
            }
            Assert.True(duplicated <= kills.Count, $"Execution {executionId} repeated {duplicated} steps' effects over {kills.Count} kills.");
        }
        Assert.Equal(executions * steps, calls.Select(c => (c.Tag, c.Step)).Distinct().Count());
        // The kills landed while calls were in flight (the endpoint answers slowly), so some effects ran twice.
        Assert.True(calls.Count > executions * steps, "No effect was in flight at a kill; the test did not exercise recovery.");
    }

    [Fact]
    public async Task SigkillWhileTimersWait_AfterRestart_EachTimerFiresOnce()
    {
        const int executions = 20;
        await using var effects = new EffectsEndpoint(10, 50);
        var server = await StartServerAsync();
        using var api = new ChorusApi(_server.Port);
        var workflow = await api.CreateWorkflowAsync(CrashWorkflows.Timer(effects.Url));
        var byTag = new Dictionary<string, string>();
        for (var i = 0; i < executions; i++)
        {
            var tag = Guid.NewGuid().ToString("N");
            byTag[tag] = await api.StartAsync(workflow, new JsonObject { ["tag"] = tag });
        }
        var waiting = await api.WaitForStatusAsync(byTag.Values.ToList(), TimeSpan.FromSeconds(30), "waiting");
        Assert.True(waiting.Values.All(s => s == "waiting"), "Not all executions reached the timer: " + string.Join(", ", waiting.Values));
        Assert.DoesNotContain(effects.Calls, c => c.Step == "after");

        await server.KillAsync();
        var restarted = await StartServerAsync();

        var statuses = await api.WaitForStatusAsync(byTag.Values.ToList(), Bounded, "completed", "failed", "cancelled");
        Assert.True(statuses.Values.All(s => s == "completed"), $"Not all completed: {string.Join(", ", statuses.Values)}\n{restarted.Tail}");
        var calls = effects.Calls;
        foreach (var (tag, executionId) in byTag)
        {
            Assert.Single(calls, c => c.Tag == tag && c.Step == "before");
            Assert.Single(calls, c => c.Tag == tag && c.Step == "after");
            var runs = (await api.StepRunsAsync(executionId)).Select(r => r!.AsObject()).ToList();
            var timer = Assert.Single(runs, r => r["step_id"]!.GetValue<string>() == "pause");
            Assert.Equal("completed", timer["status"]!.GetValue<string>());
            Assert.All(runs, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Bounded);
        while (!condition())
        {
            Assert.False(cts.IsCancellationRequested, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
