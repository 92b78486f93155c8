using System.Diagnostics;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>A work item that fails on every run or commit is contained to its execution: the execution fails
/// with internal_error, its slot goes to the next pending execution, and every other execution keeps running.</summary>
public sealed class PoisonItemTests
{
    private const string GateThenCount = """
        {"name": "slow", "steps": [{"id": "a", "name": "A", "type": "gate", "next": "b"}, {"id": "b", "name": "B", "type": "count"}]}
        """;

    [Fact]
    public async Task ExecutionWhoseCommitsAlwaysFail_FailsWithInternalError_FreesItsSlot_OthersComplete()
    {
        Guid? poisonedWorkflow = null;
        InstrumentedEngineStore? faults = null;
        await using var h = await EngineHarness.StartAsync(o => o with { MaxConcurrentWorkflows = 2, Limits = o.Limits with { TenantSlotShare = 1 } },
            store => faults = new InstrumentedEngineStore(store, () => poisonedWorkflow));
        var slowWorkflow = await h.CreateWorkflowAsync(GateThenCount);
        var plainWorkflow = await h.CreateWorkflowAsync("""{"name": "plain", "steps": [{"id": "a", "name": "A", "type": "count", "next": "b"}, {"id": "b", "name": "B", "type": "count"}]}""");
        poisonedWorkflow = await h.CreateWorkflowAsync("""{"name": "poisoned", "steps": [{"id": "p", "name": "P", "type": "count"}]}""");

        var slow = await h.StartAsync(slowWorkflow); // holds one slot until the gate opens
        await h.WaitUntilAsync(() => h.Gate.Inside == 1, "the slow execution to reach its gate", nudge: false);
        var poisoned = await h.StartAsync(poisonedWorkflow.Value); // holds the other
        var queued = await h.StartAsync(plainWorkflow);
        Assert.Equal(ExecutionStatus.Pending, (await h.GetAsync(queued)).Status);

        var failed = await WaitSkippingTimeAsync(h, poisoned, e => e.IsTerminal);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal("internal_error", failed.Error!["code"]!.GetValue<string>());
        Assert.Equal("p", failed.Error["step_id"]!.GetValue<string>());
        var attempts = h.Calls.For(poisoned, "p").Count;
        Assert.Equal(new ExecutionLimits().MaxCommitFailures, attempts);
        // Each attempt's commit was refused once, or twice when it shared a batch that then ran again guarded.
        Assert.InRange(faults!.Faults, attempts, 2 * attempts);
        // Its slot went to the queued execution, since the slow one still holds the other.
        await h.WaitForStatusAsync(queued, ExecutionStatus.Completed, nudge: false);
        Assert.Equal(ExecutionStatus.Running, (await h.GetAsync(slow)).Status);
        h.Gate.Release();
        await h.WaitForStatusAsync(slow, ExecutionStatus.Completed, nudge: false);
    }

    [Fact]
    public async Task AClaimedRowThatCannotBeRead_FailsItsExecutionAlone_AndTimersOfOthersStillFire()
    {
        await using var h = await EngineHarness.StartAsync();
        var waiter = await h.StartAsync(await h.CreateWorkflowAsync("""{"name": "waits", "steps": [{"id": "w", "name": "W", "type": "wait", "config": {"event": "go"}}]}"""));
        await h.WaitForStatusAsync(waiter, ExecutionStatus.Waiting, nudge: false);
        await InsertUnreadableResumeAsync(h, waiter, "w");
        var timed = await h.StartAsync(await h.CreateWorkflowAsync("""
            {"name": "timer", "steps": [{"id": "t", "name": "T", "type": "wait", "config": {"duration": "5s"}, "next": "c"}, {"id": "c", "name": "C", "type": "count"}]}
            """));
        await h.WaitForStatusAsync(timed, ExecutionStatus.Waiting, nudge: false);

        // Both rows fall due together; the unreadable one comes first in every claim.
        var done = await WaitSkippingTimeAsync(h, timed, e => e.IsTerminal);
        Assert.Equal(ExecutionStatus.Completed, done.Status);
        var failed = await WaitSkippingTimeAsync(h, waiter, e => e.IsTerminal);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal("internal_error", failed.Error!["code"]!.GetValue<string>());
    }

    /// <summary>A resume row whose payload is cut short, as a torn or foreign write would leave it.</summary>
    private static async Task InsertUnreadableResumeAsync(EngineHarness h, Guid executionId, string stepId)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = h.DatabasePath, Pooling = false, DefaultTimeout = 10 }.ToString());
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO work_items (tenant_id, execution_id, step_id, kind, attempt, due_at, payload) " +
            "VALUES ($tenant, $execution, $step, 'resume', 1, $due, '{\"output\": ')";
        cmd.Parameters.AddWithValue("$tenant", EngineHarness.Tenant.Value);
        cmd.Parameters.AddWithValue("$execution", executionId.ToString());
        cmd.Parameters.AddWithValue("$step", stepId);
        cmd.Parameters.AddWithValue("$due", h.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    /// <summary>Retries of a failed item wait seconds on the engine's clock: skip them, bounded in real time.</summary>
    private static async Task<ExecutionRecord> WaitSkippingTimeAsync(EngineHarness h, Guid id, Func<ExecutionRecord, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var current = await h.GetAsync(id);
            if (done(current))
                return current;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Timed out; execution is {current.Status}");
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }
}
