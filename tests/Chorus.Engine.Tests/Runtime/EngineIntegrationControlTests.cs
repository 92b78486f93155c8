using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Pause, resume, cancel, manual mode and the concurrency limit on a real engine.</summary>
public sealed class EngineIntegrationControlTests : IAsyncLifetime
{
    private const string GateThenTwo = """
        {"name": "gate", "steps": [
          {"id": "a", "name": "A", "type": "gate", "next": "b"},
          {"id": "b", "name": "B", "type": "count", "next": "c"},
          {"id": "c", "name": "C", "type": "count"}
        ]}
        """;

    private EngineHarness _h = null!;

    // One tenant may hold every slot (share 1): these tests are about the global limit, not the tenant share.
    public async Task InitializeAsync() =>
        _h = await EngineHarness.StartAsync(o => o with { MaxConcurrentWorkflows = 2, Limits = o.Limits with { TenantSlotShare = 1.0 } });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Pause_StopsFurtherSteps_ResumeContinues()
    {
        var id = await _h.StartAsync(await _h.CreateWorkflowAsync(GateThenTwo));
        await _h.WaitUntilAsync(() => _h.Gate.Inside == 1, "the first step to start", nudge: false);

        Assert.Equal(ExecutionStatus.Paused, (await _h.Engine.PauseAsync(EngineHarness.Tenant, id)).Status);
        _h.Gate.Release();
        // The step in flight finishes and is committed, but its successor is held while paused.
        await _h.WaitAsync(id, e => e.State.Steps["a"].Status == StepStatus.Completed, "the first step to commit", nudge: false);
        await EngineHarness.QuietPeriodAsync();
        var paused = await _h.GetAsync(id);
        Assert.Equal(ExecutionStatus.Paused, paused.Status);
        Assert.Empty(_h.Calls.For(id, "b"));

        Assert.Equal(ExecutionStatus.Running, (await _h.Engine.ResumeAsync(EngineHarness.Tenant, id)).Status);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "b"));
        Assert.Single(_h.Calls.For(id, "c"));
    }

    [Fact]
    public async Task Cancel_CancelsTheRunningHandlersToken_AndNothingRunsAfter()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "cancel", "steps": [
              {"id": "slow", "name": "Slow", "type": "block", "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitUntilAsync(() => _h.Calls.For(id, "slow").Count == 1, "the handler to start", nudge: false);

        Assert.Equal(ExecutionStatus.Cancelled, (await _h.Engine.CancelAsync(EngineHarness.Tenant, id)).Status);
        await _h.WaitUntilAsync(() => _h.Blocker.Cancelled.Contains(id), "the handler's token to be cancelled", nudge: false);
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(ExecutionStatus.Cancelled, (await _h.GetAsync(id)).Status);
        Assert.Empty(_h.Calls.For(id, "after"));
        Assert.Single(_h.Calls.For(id, "slow"));
        Assert.DoesNotContain(await _h.RunsAsync(id), r => r.Status == "completed");
    }

    [Fact]
    public async Task ConcurrencyLimitOfTwo_FiveStarted_AtMostTwoHoldSlots_AllCompleteInTheEnd()
    {
        var wf = await _h.CreateWorkflowAsync(GateThenTwo);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add(await _h.StartAsync(wf));
        await _h.WaitUntilAsync(() => _h.Gate.Inside == 2, "two executions to start", nudge: false);
        await EngineHarness.QuietPeriodAsync();

        var statuses = new List<ExecutionStatus>();
        foreach (var id in ids)
            statuses.Add((await _h.GetAsync(id)).Status);
        Assert.Equal(2, statuses.Count(s => s == ExecutionStatus.Running));
        Assert.Equal(3, statuses.Count(s => s == ExecutionStatus.Pending));
        Assert.Equal(2, _h.Gate.Inside);

        // Each passage lets one execution finish and admits one pending execution.
        for (var i = 0; i < 5; i++)
        {
            var finished = i + 1;
            _h.Gate.Release();
            await _h.WaitUntilAsync(() => _h.Calls.All.Count(c => c.StepId == "c") == finished, $"{finished} executions to finish", nudge: false);
            // The freed slot goes to a pending execution at once.
            var holders = Math.Min(2, 5 - finished);
            await _h.WaitUntilAsync(() => _h.Gate.Inside == holders, $"{holders} executions in the first step", nudge: false);
        }
        foreach (var id in ids)
            await _h.WaitForStatusAsync(id, ExecutionStatus.Completed, nudge: false);
        Assert.Equal(2, _h.Gate.MaxInside);
    }

    [Fact]
    public async Task ManualMode_EachAdvanceRunsExactlyOneStep()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "manual", "steps": [
              {"id": "a", "name": "A", "type": "count", "next": "b"},
              {"id": "b", "name": "B", "type": "count", "next": "c"},
              {"id": "c", "name": "C", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf, mode: ExecutionMode.Manual);
        await EngineHarness.QuietPeriodAsync();
        Assert.Empty(_h.Calls.For(id));

        var expected = new[] { "a", "b", "c" };
        for (var i = 0; i < expected.Length; i++)
        {
            var after = await _h.Engine.AdvanceAsync(EngineHarness.Tenant, id, TimeSpan.FromMinutes(1)).WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(StepStatus.Completed, after.State.Steps[expected[i]].Status);
            await EngineHarness.QuietPeriodAsync();
            Assert.Equal(expected[..(i + 1)], _h.Calls.For(id).Select(c => c.StepId));
        }
        Assert.Equal(ExecutionStatus.Completed, (await _h.GetAsync(id)).Status);
        await Assert.ThrowsAsync<ChorusException>(() => _h.Engine.AdvanceAsync(EngineHarness.Tenant, id, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task CancellingARunningExecution_FreesItsSlotForAPendingOne()
    {
        var wf = await _h.CreateWorkflowAsync(GateThenTwo);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await _h.StartAsync(wf));
        await _h.WaitUntilAsync(() => _h.Gate.Inside == 2, "two executions to start", nudge: false);
        Assert.Equal(ExecutionStatus.Pending, (await _h.GetAsync(ids[2])).Status);

        await _h.Engine.CancelAsync(EngineHarness.Tenant, ids[0]);
        await _h.WaitForStatusAsync(ids[2], ExecutionStatus.Running, nudge: false);
        await _h.WaitUntilAsync(() => _h.Calls.For(ids[2], "a").Count == 1, "the admitted execution to start", nudge: false);
        _h.Gate.Release(2);
        await _h.WaitForStatusAsync(ids[1], ExecutionStatus.Completed, nudge: false);
        await _h.WaitForStatusAsync(ids[2], ExecutionStatus.Completed, nudge: false);
        Assert.Equal(ExecutionStatus.Cancelled, (await _h.GetAsync(ids[0])).Status);
        Assert.Empty(_h.Calls.For(ids[0], "b"));
    }
}
