using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly DateTimeOffset Cutoff = T0.AddDays(10);

    /// <summary>An execution with a row in every table an execution owns.</summary>
    private async Task<ExecutionRecord> HistoryAsync(TenantId tenant, ExecutionStatus status, DateTimeOffset? completedAt,
        Guid? parentId = null, Guid? workflowId = null)
    {
        var e = Execution(tenant, workflowId, status, parentId: parentId);
        e.CompletedAt = completedAt;
        await InTxAsync(async tx =>
        {
            await tx.InsertExecutionAsync(e);
            await tx.SaveStepRunAsync(new StepRunRecord
            {
                Tenant = tenant, ExecutionId = e.Id, StepId = "a", StepName = "A", StepType = "action", Attempt = 1, Status = "completed",
                StartedAt = T0,
            });
            await tx.InsertLogAsync(new LogRecord { Tenant = tenant, ExecutionId = e.Id, Level = "info", Message = "hello", At = T0 });
            await tx.InsertEventAsync(new EventRecord
            {
                Tenant = tenant, Type = "execution_completed", ExecutionId = e.Id, Payload = new JsonObject { ["x"] = 1 }, At = T0,
            });
            await tx.InsertSignalAsync(new SignalRecord { Tenant = tenant, ExecutionId = e.Id, Name = "go", At = T0 });
            await tx.InsertWorkItemAsync(Item(tenant, e.Id, T0.AddYears(5)));
        });
        return e;
    }

    private async Task<bool> AnyRowOfAsync(ExecutionRecord e) =>
        await Store.GetExecutionAsync(e.Tenant, e.Id, Ct) is not null
        || (await Store.GetStepRunsAsync(e.Tenant, e.Id, Ct)).Count > 0
        || (await Store.GetLogsAsync(e.Tenant, e.Id, Ct)).Count > 0
        || await InTxAsync(tx => tx.TakeSignalAsync(e.Tenant, e.Id, "go")) is not null;

    [Fact]
    public async Task PruneExecutionsAsync_OldFinished_GoWithAllTheirRows_YoungAndUnfinishedStay()
    {
        var completed = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        var failed = await HistoryAsync(TenantA, ExecutionStatus.Failed, T0.AddDays(1));
        var cancelled = await HistoryAsync(TenantA, ExecutionStatus.Cancelled, T0.AddDays(2));
        var young = await HistoryAsync(TenantA, ExecutionStatus.Completed, Cutoff.AddMinutes(1));
        var running = await HistoryAsync(TenantA, ExecutionStatus.Running, null);
        var waiting = await HistoryAsync(TenantA, ExecutionStatus.Waiting, null);
        var pending = await HistoryAsync(TenantA, ExecutionStatus.Pending, null);
        var paused = await HistoryAsync(TenantA, ExecutionStatus.Paused, null);

        Assert.Equal(3, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 500)));

        foreach (var gone in new[] { completed, failed, cancelled })
            Assert.False(await AnyRowOfAsync(gone));
        foreach (var kept in new[] { young, running, waiting, pending, paused })
            Assert.NotNull(await Store.GetExecutionAsync(TenantA, kept.Id, Ct));
        Assert.Single(await Store.GetStepRunsAsync(TenantA, young.Id, Ct));
        Assert.Single(await Store.GetLogsAsync(TenantA, young.Id, Ct));
        Assert.Equal(0, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 500)));
    }

    [Fact]
    public async Task PruneExecutionsAsync_DeletesTheExecutionsEvents()
    {
        var old = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        var young = await HistoryAsync(TenantA, ExecutionStatus.Completed, Cutoff.AddDays(1));

        await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 500));

        // Only the young execution's event is left for the outbox to prune: one event, nothing older than the cutoff.
        Assert.Equal(1, await InTxAsync(tx => tx.PruneEventsAsync(DateTimeOffset.MaxValue.AddYears(-1), 500)));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, young.Id, Ct));
        Assert.Null(await Store.GetExecutionAsync(TenantA, old.Id, Ct));
    }

    [Fact]
    public async Task PruneExecutionsAsync_LeavesOtherTenantsAlone()
    {
        var mine = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        var theirs = await HistoryAsync(TenantB, ExecutionStatus.Completed, T0);

        Assert.Equal(1, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 500)));

        Assert.False(await AnyRowOfAsync(mine));
        Assert.NotNull(await Store.GetExecutionAsync(TenantB, theirs.Id, Ct));
        Assert.Single(await Store.GetStepRunsAsync(TenantB, theirs.Id, Ct));
        Assert.Single(await Store.GetLogsAsync(TenantB, theirs.Id, Ct));
    }

    [Fact]
    public async Task PruneExecutionsAsync_HonoursTheBatchSize_OldestFirst()
    {
        var executions = new List<ExecutionRecord>();
        for (var i = 0; i < 5; i++)
            executions.Add(await HistoryAsync(TenantA, ExecutionStatus.Completed, T0.AddHours(i)));

        Assert.Equal(2, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 2)));

        Assert.Null(await Store.GetExecutionAsync(TenantA, executions[0].Id, Ct));
        Assert.Null(await Store.GetExecutionAsync(TenantA, executions[1].Id, Ct));
        for (var i = 2; i < 5; i++)
            Assert.NotNull(await Store.GetExecutionAsync(TenantA, executions[i].Id, Ct));
        Assert.Equal(2, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 2)));
        Assert.Equal(1, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 2)));
    }

    [Fact]
    public async Task PruneExecutionsAsync_SubflowFamily_GoesWholeOnlyWhenEveryMemberIsOldAndFinished()
    {
        var oldRoot = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0.AddDays(1));
        var oldChild = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0, parentId: oldRoot.Id);
        var grandchild = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0, parentId: oldChild.Id);
        var rootWithLateChild = await HistoryAsync(TenantA, ExecutionStatus.Failed, T0.AddDays(1));
        var lateChild = await HistoryAsync(TenantA, ExecutionStatus.Completed, Cutoff.AddDays(1), parentId: rootWithLateChild.Id);

        Assert.Equal(3, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, Cutoff, 500)));

        Assert.False(await AnyRowOfAsync(oldRoot));
        Assert.False(await AnyRowOfAsync(oldChild));
        Assert.False(await AnyRowOfAsync(grandchild));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, rootWithLateChild.Id, Ct));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, lateChild.Id, Ct));
    }

    [Fact]
    public async Task GetTenantsWithHistoryAsync_ListsEachTenantWithFinishedExecutionsOnce()
    {
        await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        await HistoryAsync(TenantA, ExecutionStatus.Failed, T0);
        await HistoryAsync(TenantB, ExecutionStatus.Cancelled, T0);
        await HistoryAsync(new TenantId("tenant-c"), ExecutionStatus.Running, null);

        Assert.Equal([TenantA, TenantB], (await InTxAsync(tx => tx.GetTenantsWithHistoryAsync())).OrderBy(t => t.Value, StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeleteWorkflowHistoryAsync_DeletesTheWorkflowsFinishedExecutionsOnly()
    {
        var workflow = Guid.NewGuid();
        var finished = await HistoryAsync(TenantA, ExecutionStatus.Completed, Cutoff.AddDays(5), workflowId: workflow);
        var running = await HistoryAsync(TenantA, ExecutionStatus.Running, null, workflowId: workflow);
        var otherWorkflow = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        var otherTenant = await HistoryAsync(TenantB, ExecutionStatus.Completed, T0, workflowId: workflow);

        Assert.Equal(1, await InTxAsync(tx => tx.DeleteWorkflowHistoryAsync(TenantA, workflow, 500)));

        Assert.False(await AnyRowOfAsync(finished));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, running.Id, Ct));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, otherWorkflow.Id, Ct));
        Assert.NotNull(await Store.GetExecutionAsync(TenantB, otherTenant.Id, Ct));
    }

    [Fact]
    public async Task DeleteExecutionFamilyAsync_DeletesAFinishedFamilyWhole_AndNothingWhileAMemberIsGoing()
    {
        var root = await HistoryAsync(TenantA, ExecutionStatus.Failed, T0);
        var child = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0, parentId: root.Id);
        var grandchild = await HistoryAsync(TenantA, ExecutionStatus.Cancelled, T0, parentId: child.Id);
        var busyRoot = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        var busyChild = await HistoryAsync(TenantA, ExecutionStatus.Waiting, null, parentId: busyRoot.Id);
        var neighbour = await HistoryAsync(TenantA, ExecutionStatus.Completed, T0);
        var theirs = await HistoryAsync(TenantB, ExecutionStatus.Completed, T0);

        Assert.Equal(3, await InTxAsync(tx => tx.DeleteExecutionFamilyAsync(TenantA, root.Id)));
        Assert.Equal(0, await InTxAsync(tx => tx.DeleteExecutionFamilyAsync(TenantA, busyRoot.Id)));
        Assert.Equal(0, await InTxAsync(tx => tx.DeleteExecutionFamilyAsync(TenantA, theirs.Id)));

        foreach (var gone in new[] { root, child, grandchild })
            Assert.False(await AnyRowOfAsync(gone));
        foreach (var kept in new[] { busyRoot, busyChild, neighbour })
            Assert.NotNull(await Store.GetExecutionAsync(TenantA, kept.Id, Ct));
        Assert.Single(await Store.GetStepRunsAsync(TenantA, neighbour.Id, Ct));
        Assert.NotNull(await Store.GetExecutionAsync(TenantB, theirs.Id, Ct));
    }

    [Fact]
    public async Task PruneEventsAsync_DeletesOnlyEventsOlderThanTheCutoff_InBatches()
    {
        await InTxAsync(async tx =>
        {
            for (var i = 0; i < 5; i++)
                await tx.InsertEventAsync(new EventRecord { Tenant = TenantA, Type = "workflow_updated", Payload = [], At = T0.AddHours(i) });
        });

        Assert.Equal(2, await InTxAsync(tx => tx.PruneEventsAsync(T0.AddHours(3), 2)));
        Assert.Equal(1, await InTxAsync(tx => tx.PruneEventsAsync(T0.AddHours(3), 2)));
        Assert.Equal(0, await InTxAsync(tx => tx.PruneEventsAsync(T0.AddHours(3), 2)));
        Assert.Equal(2, await InTxAsync(tx => tx.PruneEventsAsync(T0.AddHours(10), 10)));
    }
}
