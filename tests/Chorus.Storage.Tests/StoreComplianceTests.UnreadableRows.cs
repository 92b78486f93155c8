using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    /// <summary>Makes the stored payload of a work item something the store's reader cannot parse (corrupt text
    /// where the column is text, nesting deeper than any reader allows where the database checks JSON).</summary>
    protected abstract Task MakePayloadUnreadableAsync(long itemId);

    [Fact]
    public async Task ClaimAsync_ARowWhosePayloadCannotBeRead_ComesBackMarked_AndTheOtherRowsAreClaimedWithIt()
    {
        var poisoned = Guid.NewGuid();
        var other = Guid.NewGuid();
        var bad = await InsertItemAsync(Item(TenantA, poisoned, T0.AddSeconds(-2), "resume") with
        {
            Kind = WorkItemKind.Resume, Payload = new JsonObject { ["output"] = 1 },
        });
        await MakePayloadUnreadableAsync(bad);
        var good = await InsertItemAsync(Item(TenantB, other, T0.AddSeconds(-1), "next") with { Payload = new JsonObject { ["output"] = 2 } });

        var claimed = await ClaimAsync("w1", T0);

        Assert.Equal([bad, good], claimed.Select(i => i.Id));
        var unreadable = claimed[0];
        Assert.NotNull(unreadable.ReadError);
        Assert.Equal((TenantA, poisoned, "resume"), (unreadable.Tenant, unreadable.ExecutionId, unreadable.StepId));
        Assert.True(unreadable.Fence > 0);
        Assert.Null(claimed[1].ReadError);
        AssertJson(new JsonObject { ["output"] = 2 }, claimed[1].Payload);
        // The marked row is leased like the others, so the worker decides its fate rather than every claim.
        Assert.Empty(await ClaimAsync("w2", T0));
    }
}
