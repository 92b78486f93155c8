using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>SIGTERM (a deploy, <c>docker stop</c>) is not a crash: the server claims nothing more, lets the steps it runs
/// finish and commit within its grace period, and exits; what it had leased but not started is handed back. The next
/// start on the same database loses nothing and repeats nothing, where after SIGKILL in-flight effects run again.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The engine's grace period for running steps (EngineHostedService), and room for the rest of the stop.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(5);
    private static readonly Dictionary<string, string> Env = new() { ["WORKER_CONCURRENCY"] = "16", ["HTTP_ALLOW_PRIVATE"] = "true" };
    private readonly RestartableServer _server = new(Env);

    private Task<ServerProcess> StartServerAsync() => _server.StartAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SigtermUnderLoad_FinishesRunningSteps_ExitsWithinTheGrace_AndTheNextStartRepeatsNothing()
    {
        const int executions = 100;
        const int steps = 5;
        await using var effects = new EffectsEndpoint(20, 150);
        var server = await StartServerAsync();
        using var api = new ChorusApi(_server.Port);
        var workflow = await api.CreateWorkflowAsync(CrashWorkflows.Sequence(effects.Url, steps));
        var byTag = new Dictionary<string, string>();
        for (var i = 0; i < executions; i++)
        {
            var tag = Guid.NewGuid().ToString("N");
            byTag[tag] = await api.StartAsync(workflow, new JsonObject { ["tag"] = tag });
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (effects.Count < executions * steps / 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "The effects did not reach a third of the work.");
            await Task.Delay(10);
        }
        var signalledAt = effects.Now;
        var tookToStop = await server.TerminateAsync(Grace + StopMargin);
        var callsBeforeRestart = effects.Calls;
        output.WriteLine($"SIGTERM after {callsBeforeRestart.Count(c => c.At < signalledAt)} effects; exited in {tookToStop.TotalMilliseconds:F0} ms " +
            $"with code {server.ExitCode}; {callsBeforeRestart.Count(c => c.At >= signalledAt)} effects were already on their way");
        Assert.Equal(0, server.ExitCode);
        Assert.True(tookToStop < Grace + StopMargin, $"Stopping took {tookToStop}.\n{server.Tail}");
        Assert.True(callsBeforeRestart.Count < executions * steps, "All the work was done before SIGTERM; the test did not stop anything.");

        var restarted = await StartServerAsync();
        var statuses = await api.WaitForStatusAsync(byTag.Values.ToList(), TimeSpan.FromSeconds(90), "completed", "failed", "cancelled");
        Assert.True(statuses.Values.All(s => s == "completed"),
            $"Not all completed: {string.Join(", ", statuses.Values.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}"))}\n{restarted.Tail}");

        // Nothing lost, nothing repeated: every step of every execution called the outside world exactly once, and
        // has exactly one step run, completed.
        var calls = effects.Calls;
        Assert.Equal(executions * steps, calls.Count);
        Assert.Equal(executions * steps, calls.Select(c => (c.Tag, c.Step)).Distinct().Count());
        foreach (var executionId in byTag.Values)
        {
            var runs = (await api.StepRunsAsync(executionId)).Select(r => r!.AsObject()).ToList();
            Assert.Equal(steps, runs.Count);
            Assert.All(runs, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        }
    }
}
