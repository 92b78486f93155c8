using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task CountSlotHoldersAsync_MixedExecutions_CountsOnlyActiveTopLevelNonTestRuns()
    {
        var parent = Guid.NewGuid();
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantA, status: ExecutionStatus.Waiting),
            Execution(TenantA, status: ExecutionStatus.Paused),
            Execution(TenantB, status: ExecutionStatus.Running),
            Execution(TenantA, status: ExecutionStatus.Pending),
            Execution(TenantA, status: ExecutionStatus.Completed),
            Execution(TenantA, status: ExecutionStatus.Failed),
            Execution(TenantA, status: ExecutionStatus.Cancelled),
            Execution(TenantA, status: ExecutionStatus.Running, isTest: true),
            Execution(TenantA, status: ExecutionStatus.Waiting, parentId: parent));

        Assert.Equal(4, await InTxAsync(tx => tx.CountSlotHoldersAsync()));
    }

    [Fact]
    public async Task CountSlotHoldersAsync_Empty_ReturnsZero() =>
        Assert.Equal(0, await InTxAsync(tx => tx.CountSlotHoldersAsync()));

    [Fact]
    public async Task GetOldestPendingAsync_SeveralPending_ReturnsTheEarliestCreated()
    {
        var oldest = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running, createdAt: T0),
            Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(2)),
            oldest,
            Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(3)));

        var found = await InTxAsync(tx => tx.GetOldestPendingAsync());

        Assert.Equal((oldest.Tenant, oldest.Id), (found?.Tenant, found?.Id));
    }

    [Fact]
    public async Task GetOldestPendingAsync_NonePending_ReturnsNull()
    {
        await InsertAsync(Execution(TenantA, status: ExecutionStatus.Running));

        Assert.Null(await InTxAsync(tx => tx.GetOldestPendingAsync()));
    }

    [Fact]
    public async Task GetActiveChildrenAsync_MixedChildren_ReturnsNonTerminalChildrenOfThatParentAndTenant()
    {
        var parent = Guid.NewGuid();
        var running = Execution(TenantA, status: ExecutionStatus.Running, parentId: parent);
        var waiting = Execution(TenantA, status: ExecutionStatus.Waiting, parentId: parent);
        var pending = Execution(TenantA, status: ExecutionStatus.Pending, parentId: parent);
        var paused = Execution(TenantA, status: ExecutionStatus.Paused, parentId: parent);
        await InsertAsync(running, waiting, pending, paused,
            Execution(TenantA, status: ExecutionStatus.Completed, parentId: parent),
            Execution(TenantA, status: ExecutionStatus.Failed, parentId: parent),
            Execution(TenantA, status: ExecutionStatus.Cancelled, parentId: parent),
            Execution(TenantA, status: ExecutionStatus.Running, parentId: Guid.NewGuid()),
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantB, status: ExecutionStatus.Running, parentId: parent));

        var children = await InTxAsync(tx => tx.GetActiveChildrenAsync(TenantA, parent));

        Assert.Equal(new[] { running.Id, waiting.Id, pending.Id, paused.Id }.Order(), children.Order());
        Assert.Empty(await InTxAsync(tx => tx.GetActiveChildrenAsync(TenantA, Guid.NewGuid())));
    }
}
