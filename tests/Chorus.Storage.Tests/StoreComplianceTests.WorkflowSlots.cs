using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

/// <summary>Per-workflow concurrency limits: what the engine counts and where an execution awaiting its workflow's
/// slot waits (outside admission's queue).</summary>
public abstract partial class StoreComplianceTests<TStore>
{
    private static ExecutionRecord Awaiting(TenantId tenant, Guid workflowId, DateTimeOffset createdAt)
    {
        var execution = Execution(tenant, workflowId, ExecutionStatus.Pending, createdAt);
        execution.AwaitsWorkflowSlot = true;
        return execution;
    }

    [Fact]
    public async Task CountWorkflowSlotHoldersAsync_CountsTheWorkflowsTopLevelExecutionsUnderWay_NotThoseAwaitingItsSlot()
    {
        var workflow = Guid.NewGuid();
        await InsertAsync(
            Execution(TenantA, workflow, ExecutionStatus.Pending),
            Execution(TenantA, workflow, ExecutionStatus.Running),
            Execution(TenantA, workflow, ExecutionStatus.Waiting),
            Execution(TenantA, workflow, ExecutionStatus.Paused),
            Awaiting(TenantA, workflow, T0),
            Execution(TenantA, workflow, ExecutionStatus.Completed),
            Execution(TenantA, workflow, ExecutionStatus.Created),
            Execution(TenantA, workflow, ExecutionStatus.Running, isTest: true),
            Execution(TenantA, workflow, ExecutionStatus.Running, parentId: Guid.NewGuid()),
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantB, workflow, ExecutionStatus.Running));

        Assert.Equal(4, await InTxAsync(tx => tx.CountWorkflowSlotHoldersAsync(TenantA, workflow)));
        Assert.Equal(1, await InTxAsync(tx => tx.CountWorkflowSlotHoldersAsync(TenantB, workflow)));
        Assert.Equal(0, await InTxAsync(tx => tx.CountWorkflowSlotHoldersAsync(TenantA, Guid.NewGuid())));
    }

    [Fact]
    public async Task GetOldestAwaitingWorkflowSlotAsync_ReturnsTheEarliestOfThatWorkflowAndTenant_WithTheFlagRoundTripped()
    {
        var workflow = Guid.NewGuid();
        var oldest = Awaiting(TenantA, workflow, T0.AddMinutes(2));
        await InsertAsync(
            Awaiting(TenantA, workflow, T0.AddMinutes(3)),
            oldest,
            Awaiting(TenantB, workflow, T0.AddMinutes(1)),
            Awaiting(TenantA, Guid.NewGuid(), T0),
            Execution(TenantA, workflow, ExecutionStatus.Pending, T0));

        var found = await InTxAsync(tx => tx.GetOldestAwaitingWorkflowSlotAsync(TenantA, workflow));

        Assert.Equal(oldest.Id, found?.Id);
        Assert.True(found!.AwaitsWorkflowSlot);
        Assert.Null(await InTxAsync(tx => tx.GetOldestAwaitingWorkflowSlotAsync(TenantC, workflow)));
    }

    [Fact]
    public async Task AwaitingItsWorkflowsSlot_AdmissionPassesItOver_UntilTheFlagIsCleared()
    {
        var workflow = Guid.NewGuid();
        var waiting = Awaiting(TenantA, workflow, T0);
        var queued = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        await InsertAsync(waiting, queued);

        Assert.Equal(queued.Id, (await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(NoCap))))?.Id);

        await InTxAsync(async tx =>
        {
            waiting.AwaitsWorkflowSlot = false;
            await tx.UpdateExecutionAsync(waiting);
        });

        Assert.Equal(waiting.Id, (await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(NoCap))))?.Id);
        Assert.Null(await InTxAsync(tx => tx.GetOldestAwaitingWorkflowSlotAsync(TenantA, workflow)));
    }

    [Fact]
    public async Task GetWorkflowsAwaitingSlotsAsync_NamesEachWorkflowWithALineOnce_NotOnesWhoseWaitingExecutionWasCancelled()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var cancelled = Awaiting(TenantB, Guid.NewGuid(), T0);
        cancelled.Status = ExecutionStatus.Cancelled;
        await InsertAsync(Awaiting(TenantA, first, T0), Awaiting(TenantA, first, T0.AddMinutes(1)), Awaiting(TenantB, second, T0), cancelled);

        var lines = await InTxAsync(tx => tx.GetWorkflowsAwaitingSlotsAsync(10));

        Assert.Equal([(TenantA, first), (TenantB, second)], lines.OrderBy(l => l.Tenant.Value).ToList());
    }
}
