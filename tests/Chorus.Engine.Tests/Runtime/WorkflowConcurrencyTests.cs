using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>A workflow's own concurrency limit on a real engine with plenty of global slots: extra executions
/// queue (never refused) and start oldest first as the workflow's executions end.</summary>
public sealed class WorkflowConcurrencyTests : IAsyncLifetime
{
    private const string LimitedToTwo = """
        {"name": "limited", "max_concurrent_executions": 2,
         "steps": [{"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}}]}
        """;

    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync(o => o with { MaxConcurrentWorkflows = 20 });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ExtraStarts_WaitAsPending_WhileGlobalSlotsAreFree_AndStartOldestFirstAsTheWorkflowsExecutionsEnd()
    {
        var workflow = await _h.CreateWorkflowAsync(LimitedToTwo);
        var ids = await StartSeveralAsync(workflow, 4);
        await WaitForCountAsync(ids, ExecutionStatus.Waiting, 2);
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal([ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending, ExecutionStatus.Pending], await StatusesAsync(ids));
        Assert.True((await _h.GetAsync(ids[3])).AwaitsWorkflowSlot);
        var logs = await _h.Store.GetLogsAsync(EngineHarness.Tenant, ids[3], CancellationToken.None);
        Assert.Contains(logs, l => l.Message == "Execution queued: the workflow allows 2 concurrent executions");

        await _h.Engine.SendEventAsync(EngineHarness.Tenant, ids[0], "go", new JsonObject());
        await _h.WaitForStatusAsync(ids[2], ExecutionStatus.Waiting, nudge: false);
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal([ExecutionStatus.Completed, ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending], await StatusesAsync(ids));

        await _h.Engine.CancelAsync(EngineHarness.Tenant, ids[1]);
        await _h.WaitForStatusAsync(ids[3], ExecutionStatus.Waiting, nudge: false);
        Assert.False((await _h.GetAsync(ids[3])).AwaitsWorkflowSlot);
    }

    [Fact]
    public async Task AnotherWorkflow_StartsAtOnce_WhileTheLimitedOnesLineWaits()
    {
        var limited = await _h.CreateWorkflowAsync(LimitedToTwo);
        var unlimited = await _h.CreateWorkflowAsync(LimitedToTwo.Replace("\"max_concurrent_executions\": 2,", "", StringComparison.Ordinal));
        var line = await StartSeveralAsync(limited, 3);
        await WaitForCountAsync(line, ExecutionStatus.Waiting, 2);

        var others = await StartSeveralAsync(unlimited, 3);

        await WaitForCountAsync(others, ExecutionStatus.Waiting, 3);
        Assert.Equal(ExecutionStatus.Pending, (await _h.GetAsync(line[2])).Status);
    }

    [Fact]
    public async Task CancellingAnExecutionAwaitingTheSlot_EndsIt_AndTheNextInLineGetsTheSlotThatFrees()
    {
        var workflow = await _h.CreateWorkflowAsync(LimitedToTwo.Replace("\": 2,", "\": 1,", StringComparison.Ordinal));
        var ids = await StartSeveralAsync(workflow, 3);
        await _h.WaitForStatusAsync(ids[0], ExecutionStatus.Waiting, nudge: false);

        await _h.Engine.CancelAsync(EngineHarness.Tenant, ids[1]);
        await _h.Engine.SendEventAsync(EngineHarness.Tenant, ids[0], "go", new JsonObject());

        await _h.WaitForStatusAsync(ids[2], ExecutionStatus.Waiting, nudge: false);
        Assert.Equal([ExecutionStatus.Completed, ExecutionStatus.Cancelled, ExecutionStatus.Waiting], await StatusesAsync(ids));
    }

    [Fact]
    public async Task TestRuns_AreNotHeldByTheLimit()
    {
        var workflow = await _h.CreateWorkflowAsync(LimitedToTwo.Replace("\": 2,", "\": 1,", StringComparison.Ordinal));
        var first = await _h.StartAsync(workflow);
        await _h.WaitForStatusAsync(first, ExecutionStatus.Waiting, nudge: false);

        var test = await _h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, null, isTest: true);

        await _h.WaitForStatusAsync(test.Id, ExecutionStatus.Waiting, nudge: false);
    }

    /// <summary>One start a millisecond after the other: the clock is manual, and executions created at one instant
    /// queue in the order of their random ids.</summary>
    private async Task<List<Guid>> StartSeveralAsync(Guid workflow, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(1));
            ids.Add(await _h.StartAsync(workflow));
        }
        return ids;
    }

    private async Task<List<ExecutionStatus>> StatusesAsync(IEnumerable<Guid> ids)
    {
        var statuses = new List<ExecutionStatus>();
        foreach (var id in ids)
            statuses.Add((await _h.GetAsync(id)).Status);
        return statuses;
    }

    private Task WaitForCountAsync(IReadOnlyList<Guid> ids, ExecutionStatus status, int count) =>
        _h.WaitUntilAsync(async () => (await StatusesAsync(ids)).Count(s => s == status) == count, $"{count} executions to be {status}", nudge: false);
}
