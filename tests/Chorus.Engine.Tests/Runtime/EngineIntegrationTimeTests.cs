using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Step timeouts, execution deadlines and wait timers, driven by skipping time on the manual clock.</summary>
public sealed class EngineIntegrationTimeTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task StepTimeout_CancelsTheHandler_AndFailsWithCodeTimeout()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "step-timeout", "steps": [
              {"id": "slow", "name": "Slow", "type": "block", "timeout": "5s", "retry": {"max_attempts": 1}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitUntilAsync(() => _h.Calls.For(id, "slow").Count == 1, "the handler to start", nudge: false);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(4999));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(ExecutionStatus.Running, (await _h.GetAsync(id)).Status);
        Assert.DoesNotContain(id, _h.Blocker.Cancelled);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed);
        Assert.Equal("timeout", failed.Error!["code"]!.GetValue<string>());
        Assert.Equal("slow", failed.Error["step_id"]!.GetValue<string>());
        Assert.Contains(id, _h.Blocker.Cancelled);
        Assert.Empty(_h.Calls.For(id, "after"));
    }

    [Fact]
    public async Task StepTimeout_FailsTheStep_EvenWhenTheHandlerNeverLooksAtItsToken()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "deaf-timeout", "steps": [
              {"id": "stuck", "name": "Stuck", "type": "deaf", "timeout": "5s", "retry": {"max_attempts": 1}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitUntilAsync(() => _h.Calls.For(id, "stuck").Count == 1, "the handler to start", nudge: false);

        _h.Clock.Advance(TimeSpan.FromSeconds(5));

        // The attempt is given up at its deadline (its worker slot freed), though the handler itself never returns.
        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed);
        Assert.Equal("timeout", failed.Error!["code"]!.GetValue<string>());
        Assert.Equal("stuck", failed.Error["step_id"]!.GetValue<string>());
        Assert.Empty(_h.Calls.For(id, "after"));
    }

    [Fact]
    public async Task StepTimeout_IsRetriedLikeAnyFailure()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "step-timeout-retry", "steps": [
              {"id": "slow", "name": "Slow", "type": "block", "timeout": "5s", "retry": {"max_attempts": 2, "initial_interval": "1s"}}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitUntilAsync(() => _h.Calls.For(id, "slow").Count == 1, "attempt 1", nudge: false);
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        await _h.WaitAsync(id, e => e.State.Steps["slow"].Attempt == 2, "attempt 1 to time out", nudge: false);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitUntilAsync(() => _h.Calls.For(id, "slow").Count == 2, "attempt 2", nudge: true);
        _h.Clock.Advance(TimeSpan.FromSeconds(5));

        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed);
        Assert.Equal("timeout", failed.Error!["code"]!.GetValue<string>());
        var runs = (await _h.RunsAsync(id)).OrderBy(r => r.Attempt).ToList();
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.All(runs, r => Assert.Equal("timeout", r.Error!["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ExecutionDeadline_FailsTheExecutionWithTimeout_AndStopsItsRunningStep()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "deadline", "timeout": "10s", "steps": [
              {"id": "slow", "name": "Slow", "type": "block", "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        Assert.Equal(_h.Clock.GetUtcNow() + TimeSpan.FromSeconds(10), (await _h.GetAsync(id)).DeadlineAt);
        await _h.WaitUntilAsync(() => _h.Calls.For(id, "slow").Count == 1, "the handler to start", nudge: false);

        _h.Clock.Advance(TimeSpan.FromSeconds(9));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(ExecutionStatus.Running, (await _h.GetAsync(id)).Status);

        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed);
        Assert.Equal("timeout", failed.Error!["code"]!.GetValue<string>());
        // The step can no longer commit anything; its handler must not hold a worker slot until its own timeout.
        await _h.WaitUntilAsync(() => _h.Blocker.Cancelled.Contains(id), "the running handler to be cancelled", nudge: true);
        Assert.Empty(_h.Calls.For(id, "after"));
    }

    [Fact]
    public async Task WaitDuration_ResumesOnlyWhenTheClockReachesIt_AndFiresOnce()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "timer", "steps": [
              {"id": "pause", "name": "Pause", "type": "wait", "config": {"duration": "30s"}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Waiting, nudge: false);

        _h.Clock.Advance(TimeSpan.FromSeconds(29));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(ExecutionStatus.Waiting, (await _h.GetAsync(id)).Status);
        Assert.Empty(_h.Calls.For(id, "after"));

        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "after"));
        var timer = Assert.Single(await _h.RunsAsync(id), r => r.StepId == "pause");
        Assert.Equal("completed", timer.Status);
        Assert.True(timer.FinishedAt - timer.StartedAt >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task PausedWhileTimerWaits_TimerDueDuringPause_ResumesOnlyAfterResume()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "paused-timer", "steps": [
              {"id": "pause", "name": "Pause", "type": "wait", "config": {"duration": "10s"}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Waiting, nudge: false);
        await _h.Engine.PauseAsync(EngineHarness.Tenant, id);

        _h.Clock.Advance(TimeSpan.FromSeconds(20));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(ExecutionStatus.Paused, (await _h.GetAsync(id)).Status);
        Assert.Empty(_h.Calls.For(id, "after"));

        await _h.Engine.ResumeAsync(EngineHarness.Tenant, id);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "after"));
    }
}
