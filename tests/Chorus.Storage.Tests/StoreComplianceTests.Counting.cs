using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly TenantId TenantC = new("tenant-c");

    /// <summary>No cap: every tenant is under it.</summary>
    private const int NoCap = int.MaxValue;

    [Fact]
    public async Task CountSlotHoldersAsync_MixedExecutions_CountsOnlyActiveTopLevelNonTestRuns_InAllAndOfTheTenant()
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

        Assert.Equal(new SlotHolders(4, 3), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantA)));
        Assert.Equal(new SlotHolders(4, 1), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantB)));
        Assert.Equal(new SlotHolders(4, 0), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantC)));
    }

    [Fact]
    public async Task CountSlotHoldersAsync_Empty_ReturnsZero() =>
        Assert.Equal(new SlotHolders(0, 0), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantA)));

    [Fact]
    public async Task CountSlotHoldersAsync_InTheTransactionThatAdmits_CountsItsOwnUncommittedChanges()
    {
        var pending = Execution(TenantA, status: ExecutionStatus.Pending);
        await InsertAsync(pending, Execution(TenantB, status: ExecutionStatus.Running));

        var counts = await InTxAsync(async tx =>
        {
            pending.Status = ExecutionStatus.Running;
            await tx.UpdateExecutionAsync(pending);
            await tx.InsertExecutionAsync(Execution(TenantA, status: ExecutionStatus.Waiting));
            return await tx.CountSlotHoldersAsync(TenantA);
        });

        Assert.Equal(new SlotHolders(3, 2), counts);
    }

    [Fact]
    public async Task CountSlotHoldersAsync_FollowsEveryChange_AndNotARolledBackOne()
    {
        // The counts are kept as executions change, not counted from them: every way a row changes must move them.
        var execution = Execution(TenantA, status: ExecutionStatus.Pending);
        var other = Execution(TenantA, status: ExecutionStatus.Running);
        await InsertAsync(execution, other, Execution(TenantB, status: ExecutionStatus.Waiting));
        Task<SlotHolders> CountAsync() => InTxAsync(tx => tx.CountSlotHoldersAsync(TenantA));
        Assert.Equal(new SlotHolders(2, 1), await CountAsync());

        var steps = new (ExecutionStatus Status, SlotHolders Expected)[]
        {
            (ExecutionStatus.Running, new(3, 2)), (ExecutionStatus.Waiting, new(3, 2)), (ExecutionStatus.Paused, new(3, 2)),
            (ExecutionStatus.Running, new(3, 2)), (ExecutionStatus.Completed, new(2, 1)), (ExecutionStatus.Running, new(3, 2)),
            (ExecutionStatus.Failed, new(2, 1)),
        };
        foreach (var (status, expected) in steps)
        {
            execution.Status = status;
            await InTxAsync(tx => tx.UpdateExecutionAsync(execution));
            Assert.Equal(expected, await CountAsync());
        }

        await using (var abandoned = await Store.BeginAsync(None))
        {
            other.Status = ExecutionStatus.Cancelled;
            await abandoned.UpdateExecutionAsync(other);
            await abandoned.InsertExecutionAsync(Execution(TenantA, status: ExecutionStatus.Running));
            Assert.Equal(new SlotHolders(2, 1), await abandoned.CountSlotHoldersAsync(TenantA));
        }
        Assert.Equal(new SlotHolders(2, 1), await CountAsync());

        other.Status = ExecutionStatus.Completed;
        await InTxAsync(tx => tx.UpdateExecutionAsync(other));
        Assert.Equal(new SlotHolders(1, 0), await CountAsync());
        Assert.Equal(1, await InTxAsync(tx => tx.DeleteExecutionFamilyAsync(TenantA, other.Id)));
        Assert.Equal(new SlotHolders(1, 0), await CountAsync());
        Assert.Equal(new SlotHolders(1, 1), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantB)));
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_SeveralPending_ReturnsTheEarliestCreated()
    {
        var oldest = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running, createdAt: T0),
            Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(2)),
            oldest,
            Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(3)));

        var found = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(NoCap)));

        Assert.Equal((oldest.Tenant, oldest.Id), (found?.Tenant, found?.Id));
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_NonePending_ReturnsNull()
    {
        await InsertAsync(Execution(TenantA, status: ExecutionStatus.Running));

        Assert.Null(await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(NoCap))));
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_OldestPendingAreOfATenantAtItsCap_ReturnsTheOldestOfATenantUnderIt()
    {
        // Tenant A holds 2 slots and has a long queue; B holds 1 and queued later; C holds none and queued last.
        var pendingOfB = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(20));
        var oldestOfA = Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        var pendingOfC = Execution(TenantC, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(30));
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantA, status: ExecutionStatus.Waiting),
            Execution(TenantB, status: ExecutionStatus.Paused),
            oldestOfA, pendingOfB, pendingOfC);
        for (var i = 2; i < 12; i++)
            await InsertAsync(Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(i)));

        var capOfTwo = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(2)));
        var capOfOne = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(1)));
        var capOfThree = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(3)));

        Assert.Equal(pendingOfB.Id, capOfTwo?.Id);
        Assert.Equal(pendingOfC.Id, capOfOne?.Id);
        Assert.Equal(oldestOfA.Id, capOfThree?.Id);
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_ATenantAtItsCapQueuedMoreThanTheHeadOfTheQueue_StillFindsTheOthers()
    {
        // More pending executions of A, all older, than admission looks at before it looks tenant by tenant.
        var pendingOfC = Execution(TenantC, status: ExecutionStatus.Pending, createdAt: T0.AddHours(3));
        var pendingOfB = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddHours(2));
        await InTxAsync(async tx =>
        {
            await tx.InsertExecutionAsync(Execution(TenantA, status: ExecutionStatus.Running));
            for (var i = 0; i < 600; i++)
                await tx.InsertExecutionAsync(Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddSeconds(i)));
            await tx.InsertExecutionAsync(pendingOfC);
            await tx.InsertExecutionAsync(pendingOfB);
        });

        Assert.Equal(pendingOfB.Id, (await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(1))))?.Id);
        await InTxAsync(tx => tx.InsertExecutionAsync(Execution(TenantB, status: ExecutionStatus.Waiting)));
        Assert.Equal(pendingOfC.Id, (await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(1))))?.Id);
        await InTxAsync(tx => tx.InsertExecutionAsync(Execution(TenantC, status: ExecutionStatus.Paused)));
        Assert.Null(await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(1))));
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_ATenantWithItsOwnCap_IsHeldToIt_AndOthersToTheDefault()
    {
        // A holds one slot and queued first; B holds one slot and queued later.
        var pendingOfA = Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        var pendingOfB = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(2));
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantB, status: ExecutionStatus.Running),
            pendingOfA, pendingOfB);

        var aHeldToOne = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(new TenantSlotCaps(5, $"{{\"{TenantA.Value}\": 1}}")));
        var bHeldToOne = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(new TenantSlotCaps(5, $"{{\"{TenantB.Value}\": 1}}")));
        var bothHeld = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(new TenantSlotCaps(1, $"{{\"{TenantC.Value}\": 9}}")));
        var aRaised = await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(new TenantSlotCaps(1, $"{{\"{TenantA.Value}\": 2}}")));

        Assert.Equal(pendingOfB.Id, aHeldToOne?.Id);
        Assert.Equal(pendingOfA.Id, bHeldToOne?.Id);
        Assert.Null(bothHeld);
        Assert.Equal(pendingOfA.Id, aRaised?.Id);
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_EveryPendingTenantAtItsCap_ReturnsNull()
    {
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantB, status: ExecutionStatus.Waiting),
            Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1)),
            Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(2)));

        Assert.Null(await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(1))));
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_ChildrenTestsAndEndedRunsOfTheTenant_DoNotCountTowardItsCap()
    {
        var parent = Guid.NewGuid();
        var pending = Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        await InsertAsync(
            Execution(TenantA, status: ExecutionStatus.Running),
            Execution(TenantA, status: ExecutionStatus.Running, parentId: parent),
            Execution(TenantA, status: ExecutionStatus.Waiting, parentId: parent),
            Execution(TenantA, status: ExecutionStatus.Running, isTest: true),
            Execution(TenantA, status: ExecutionStatus.Completed),
            Execution(TenantA, status: ExecutionStatus.Failed),
            pending);

        Assert.Equal(pending.Id, (await InTxAsync(tx => tx.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(2))))?.Id);
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
