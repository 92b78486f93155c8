using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClaimAsync_MixedItems_ReturnsOnlyDueFreeItemsOrderedByDueTime()
    {
        var id = Guid.NewGuid();
        var late = await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-1), "late"));
        var later = await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-3), "later"));
        var now = await InsertItemAsync(Item(TenantA, id, T0, "now"));
        await InsertItemAsync(Item(TenantA, id, T0.AddMilliseconds(1), "future"));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-5), "held", held: true));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-5), "suspended", suspended: true));

        var claimed = await ClaimAsync("w1", T0);

        Assert.Equal([later, late, now], claimed.Select(i => i.Id));
        Assert.Equal(["later", "late", "now"], claimed.Select(i => i.StepId));
    }

    [Fact]
    public async Task ClaimAsync_ClaimedItem_RoundTripsFieldsWithABumpedFence()
    {
        var id = Guid.NewGuid();
        var item = Item(TenantB, id, T0.AddSeconds(-1), "wait") with
        {
            Kind = WorkItemKind.Resume, Attempt = 3, Payload = new JsonObject { ["signal"] = "go", ["data"] = new JsonArray(1) },
        };
        var itemId = await InsertItemAsync(item);

        var claimed = Assert.Single(await ClaimAsync("w1", T0));

        Assert.Equal((itemId, TenantB, id, "wait", WorkItemKind.Resume, 3, T0.AddSeconds(-1), false, false),
            (claimed.Id, claimed.Tenant, claimed.ExecutionId, claimed.StepId, claimed.Kind, claimed.Attempt, claimed.DueAt, claimed.Held, claimed.Suspended));
        AssertJson(item.Payload, claimed.Payload);
        Assert.True(claimed.Fence > item.Fence, $"fence {claimed.Fence} after claim");
    }

    [Fact]
    public async Task ClaimAsync_MoreDueThanMax_ReturnsTheEarliestMax()
    {
        var id = Guid.NewGuid();
        var third = await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(-1)));
        var first = await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(-3)));
        var second = await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(-2)));

        Assert.Equal([first, second], (await ClaimAsync("w1", T0, max: 2)).Select(i => i.Id));
        Assert.Equal([third], (await ClaimAsync("w1", T0, max: 2)).Select(i => i.Id));
    }

    [Fact]
    public async Task ClaimAsync_LeaseNotExpired_ReturnsNothing()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0));
        Assert.Single(await ClaimAsync("w1", T0, lease: Lease));

        Assert.Empty(await ClaimAsync("w2", T0.AddSeconds(29), lease: Lease));
        Assert.Empty(await ClaimAsync("w1", T0.AddSeconds(1), lease: Lease));
    }

    [Fact]
    public async Task ClaimAsync_LeaseExpired_AnotherOwnerTakesOverAndOldFenceIsRefused()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0));
        var old = Assert.Single(await ClaimAsync("w1", T0, lease: Lease));

        var taken = Assert.Single(await ClaimAsync("w2", T0.AddSeconds(31), lease: Lease));

        Assert.Equal(old.Id, taken.Id);
        Assert.True(taken.Fence > old.Fence, $"fence {old.Fence} then {taken.Fence}");
        Assert.False(await InTxAsync(tx => tx.ExtendLeaseAsync(old.Id, old.Fence, T0.AddMinutes(5))));
        Assert.False(await InTxAsync(tx => tx.CompleteWorkItemAsync(old.Id, old.Fence)));
        Assert.True(await InTxAsync(tx => tx.CompleteWorkItemAsync(taken.Id, taken.Fence)));
        Assert.Empty(await ClaimAsync("w3", T0.AddHours(1)));
    }

    [Fact]
    public async Task CompleteWorkItemAsync_CurrentFence_RemovesTheItemOnce()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0));
        var item = Assert.Single(await ClaimAsync("w1", T0));

        Assert.True(await InTxAsync(tx => tx.CompleteWorkItemAsync(item.Id, item.Fence)));
        Assert.False(await InTxAsync(tx => tx.CompleteWorkItemAsync(item.Id, item.Fence)));
        Assert.Empty(await ClaimAsync("w1", T0.AddHours(1)));
    }

    [Fact]
    public async Task ExtendLeaseAsync_CurrentFence_KeepsTheItemLeasedUntilTheNewExpiry()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0));
        var item = Assert.Single(await ClaimAsync("w1", T0, lease: Lease));

        Assert.True(await InTxAsync(tx => tx.ExtendLeaseAsync(item.Id, item.Fence, T0.AddMinutes(2))));

        Assert.Empty(await ClaimAsync("w2", T0.AddMinutes(1)));
        Assert.Single(await ClaimAsync("w2", T0.AddMinutes(2).AddSeconds(1)));
    }

    [Fact]
    public async Task SetSuspendedAsync_SuspendThenResume_HidesThenShowsOnlyThatExecutionsItems()
    {
        var (paused, other) = (Guid.NewGuid(), Guid.NewGuid());
        var pausedItem = await InsertItemAsync(Item(TenantA, paused, T0));
        var otherItem = await InsertItemAsync(Item(TenantA, other, T0));

        await InTxAsync(tx => tx.SetSuspendedAsync(TenantA, paused, true));
        Assert.Equal([otherItem], (await ClaimAsync("w1", T0)).Select(i => i.Id));

        await InTxAsync(tx => tx.SetSuspendedAsync(TenantA, paused, false));
        Assert.Equal([pausedItem], (await ClaimAsync("w1", T0)).Select(i => i.Id));
    }

    [Fact]
    public async Task SetSuspendedAsync_OtherTenant_ChangesNothing()
    {
        var id = Guid.NewGuid();
        await InsertItemAsync(Item(TenantA, id, T0));

        await InTxAsync(tx => tx.SetSuspendedAsync(TenantB, id, true));

        Assert.Single(await ClaimAsync("w1", T0));
    }

    [Fact]
    public async Task ReleaseHeldAsync_TwoHeldItems_ReleasesOldestFirstThenFalse()
    {
        var id = Guid.NewGuid();
        var first = await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(-2), "first", held: true));
        var second = await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(-1), "second", held: true));
        Assert.Empty(await ClaimAsync("w1", T0));

        Assert.False(await InTxAsync(tx => tx.ReleaseHeldAsync(TenantB, id)));
        Assert.True(await InTxAsync(tx => tx.ReleaseHeldAsync(TenantA, id)));
        Assert.Equal([first], (await ClaimAsync("w1", T0)).Select(i => i.Id));
        Assert.True(await InTxAsync(tx => tx.ReleaseHeldAsync(TenantA, id)));
        Assert.Equal([second], (await ClaimAsync("w1", T0)).Select(i => i.Id));
        Assert.False(await InTxAsync(tx => tx.ReleaseHeldAsync(TenantA, id)));
    }

    [Fact]
    public async Task NextDueAsync_EmptyQueue_ReturnsNull() =>
        Assert.Null(await InTxAsync(tx => tx.NextDueAsync()));

    [Fact]
    public async Task NextDueAsync_HeldSuspendedAndFreeItems_ReturnsEarliestFreeDueTime()
    {
        var id = Guid.NewGuid();
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-5), held: true));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-5), suspended: true));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(2)));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(1)));

        Assert.Equal(T0.AddMinutes(1), await InTxAsync(tx => tx.NextDueAsync()));
    }

    [Fact]
    public async Task NextDueAsync_OnlyALeasedItem_ReturnsItsLeaseExpiry()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0));
        Assert.Single(await ClaimAsync("w1", T0, lease: Lease));

        Assert.Equal(T0 + Lease, await InTxAsync(tx => tx.NextDueAsync()));
    }

    [Fact]
    public async Task ReleaseLeasesNotOwnedByAsync_ForeignLease_IsClaimableAtOnceAndOldHolderIsFenced()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0, "foreign"));
        var foreign = Assert.Single(await ClaimAsync("old-node", T0, lease: TimeSpan.FromMinutes(5)));
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0, "mine"));
        var mine = Assert.Single(await ClaimAsync("me", T0, lease: TimeSpan.FromMinutes(5)));

        await InTxAsync(tx => tx.ReleaseLeasesNotOwnedByAsync("me"));

        Assert.False(await InTxAsync(tx => tx.ExtendLeaseAsync(foreign.Id, foreign.Fence, T0.AddHours(1))));
        Assert.False(await InTxAsync(tx => tx.CompleteWorkItemAsync(foreign.Id, foreign.Fence)));
        var reclaimed = Assert.Single(await ClaimAsync("me", T0.AddSeconds(1)));
        Assert.Equal(foreign.Id, reclaimed.Id);
        Assert.True(await InTxAsync(tx => tx.CompleteWorkItemAsync(mine.Id, mine.Fence)));
        Assert.True(await InTxAsync(tx => tx.CompleteWorkItemAsync(reclaimed.Id, reclaimed.Fence)));
    }

    [Fact]
    public async Task ReleaseLeasesNotOwnedByAsync_BeforeAnyClaim_LeavesFenceOfNewClaimsValid()
    {
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0));

        await InTxAsync(tx => tx.ReleaseLeasesNotOwnedByAsync("me"));

        var item = Assert.Single(await ClaimAsync("me", T0));
        Assert.True(await InTxAsync(tx => tx.CompleteWorkItemAsync(item.Id, item.Fence)));
    }

    [Fact]
    public async Task DeleteWorkItemsAsync_ScopedToTenantAndExecution()
    {
        var (id, other) = (Guid.NewGuid(), Guid.NewGuid());
        await InsertItemAsync(Item(TenantA, id, T0, "gone-1"));
        await InsertItemAsync(Item(TenantA, id, T0, "gone-2", held: true));
        await InsertItemAsync(Item(TenantA, other, T0, "other-execution"));
        await InsertItemAsync(Item(TenantB, id, T0, "other-tenant"));

        await InTxAsync(tx => tx.DeleteWorkItemsAsync(TenantA, id));

        Assert.Equal(["other-execution", "other-tenant"], (await ClaimAsync("w1", T0)).Select(i => i.StepId).Order(StringComparer.Ordinal));
        Assert.False(await InTxAsync(tx => tx.ReleaseHeldAsync(TenantA, id)));
    }
}

public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task SampleQueueAsync_CountsDueUnleasedItems_AndAgesTheOldest()
    {
        var id = Guid.NewGuid();
        Assert.Equal(new QueueSample(0, TimeSpan.Zero), await Store.SampleQueueAsync(T0, CancellationToken.None));

        await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(-90), "oldest"));
        await InsertItemAsync(Item(TenantB, id, T0.AddSeconds(-10), "due"));
        await InsertItemAsync(Item(TenantA, id, T0.AddSeconds(5), "future"));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-5), "held", held: true));
        await InsertItemAsync(Item(TenantA, id, T0.AddMinutes(-5), "suspended", suspended: true));
        Assert.Equal(new QueueSample(2, TimeSpan.FromSeconds(90)), await Store.SampleQueueAsync(T0, CancellationToken.None));

        // A leased item is being worked on: it leaves the queue until its lease runs out.
        await ClaimAsync("w1", T0.AddSeconds(-60), max: 1, lease: TimeSpan.FromSeconds(120));
        Assert.Equal(new QueueSample(1, TimeSpan.FromSeconds(10)), await Store.SampleQueueAsync(T0, CancellationToken.None));
        Assert.Equal(new QueueSample(3, TimeSpan.FromSeconds(90 + 65)), await Store.SampleQueueAsync(T0.AddSeconds(65), CancellationToken.None));
    }
}
