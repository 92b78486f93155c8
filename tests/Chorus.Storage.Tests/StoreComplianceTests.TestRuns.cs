using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

/// <summary>What a time-skipping test run needs of the work queue: one execution's items, and moving one item's due
/// time only while nobody has claimed it since it was read.</summary>
public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task GetWorkItemsAsync_ItemsOfSeveralExecutions_ReturnsOnlyThatExecutionsOfThatTenantByDueTime()
    {
        var id = Guid.NewGuid();
        var later = await InsertItemAsync(Item(TenantA, id, T0.AddDays(2), "later"));
        var sooner = await InsertItemAsync(Item(TenantA, id, T0.AddHours(1), "sooner"));
        await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0, "other execution"));
        await InsertItemAsync(Item(TenantB, id, T0, "other tenant"));

        var items = await InTxAsync(tx => tx.GetWorkItemsAsync(TenantA, id));

        Assert.Equal([sooner, later], items.Select(i => i.Id));
        Assert.Equal([T0.AddHours(1), T0.AddDays(2)], items.Select(i => i.DueAt));
    }

    [Fact]
    public async Task RescheduleWorkItemAsync_UnclaimedItem_BecomesDueAtTheNewTime()
    {
        var id = Guid.NewGuid();
        var itemId = await InsertItemAsync(Item(TenantA, id, T0.AddDays(2), "wait"));
        var read = Assert.Single(await InTxAsync(tx => tx.GetWorkItemsAsync(TenantA, id)));
        Assert.Empty(await ClaimAsync("w1", T0));

        Assert.True(await InTxAsync(tx => tx.RescheduleWorkItemAsync(itemId, read.Fence, T0)));

        Assert.Equal([itemId], (await ClaimAsync("w1", T0)).Select(i => i.Id));
    }

    [Fact]
    public async Task RescheduleWorkItemAsync_ClaimedSinceRead_RefusedAndLeavesTheItem()
    {
        var id = Guid.NewGuid();
        var itemId = await InsertItemAsync(Item(TenantA, id, T0, "run"));
        var read = Assert.Single(await InTxAsync(tx => tx.GetWorkItemsAsync(TenantA, id)));
        var claimed = Assert.Single(await ClaimAsync("w1", T0));

        Assert.False(await InTxAsync(tx => tx.RescheduleWorkItemAsync(itemId, read.Fence, T0.AddDays(-1))));

        var now = Assert.Single(await InTxAsync(tx => tx.GetWorkItemsAsync(TenantA, id)));
        Assert.Equal((T0, claimed.Fence), (now.DueAt, now.Fence));
    }
}
