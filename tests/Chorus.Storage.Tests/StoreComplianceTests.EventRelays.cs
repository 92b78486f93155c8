using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly TimeSpan RelayLease = TimeSpan.FromSeconds(15);

    protected static EventRecord RelayEvent(TenantId tenant, Guid executionId, int n) => new()
    {
        Tenant = tenant, Type = "workflow_execution_update", ExecutionId = executionId, WorkflowId = Guid.Empty,
        Payload = new JsonObject { ["event"] = "workflow_execution_update", ["n"] = n }, At = T0.AddSeconds(n),
    };

    protected Task<long[]> InsertRelayEventsAsync(TenantId tenant, Guid executionId, params int[] numbers) =>
        InTxAsync(async tx =>
        {
            var ids = new List<long>();
            foreach (var n in numbers)
                ids.Add(await tx.InsertEventAsync(RelayEvent(tenant, executionId, n)));
            return ids.ToArray();
        });

    /// <summary>Reads from <paramref name="cursor"/> in pages of <paramref name="page"/> until a read comes back empty.</summary>
    protected async Task<(List<RelayedEvent> Events, string Cursor)> DrainRelayAsync(string cursor, int page = 500)
    {
        var all = new List<RelayedEvent>();
        while (true)
        {
            var batch = await Store.ReadEventsAfterAsync(cursor, page, Ct);
            cursor = batch.Next;
            if (batch.Events.Count == 0)
                return (all, cursor);
            all.AddRange(batch.Events);
        }
    }

    private static int N(RelayedEvent e) => e.Event.Payload["n"]!.GetValue<int>();

    [Fact]
    public async Task TryLeaseEventRelayAsync_OneOwnerAtATime_UntilReleasedOrExpired()
    {
        Assert.Equal("", await Store.TryLeaseEventRelayAsync("redis", "node-1", T0, RelayLease, Ct));
        Assert.Null(await Store.TryLeaseEventRelayAsync("redis", "node-2", T0.AddSeconds(5), RelayLease, Ct));
        // Renewing by the holder works; another relay name is independent.
        Assert.Equal("", await Store.TryLeaseEventRelayAsync("redis", "node-1", T0.AddSeconds(10), RelayLease, Ct));
        Assert.Equal("", await Store.TryLeaseEventRelayAsync("other", "node-2", T0.AddSeconds(10), RelayLease, Ct));
        Assert.Null(await Store.TryLeaseEventRelayAsync("redis", "node-2", T0.AddSeconds(24), RelayLease, Ct));

        Assert.True(await Store.AdvanceEventRelayAsync("redis", "node-1", "cursor-1", Ct));
        Assert.False(await Store.AdvanceEventRelayAsync("redis", "node-2", "cursor-2", Ct));

        // node-1 stops renewing: once its lease ran out node-2 takes over where node-1's cursor stood.
        Assert.Equal("cursor-1", await Store.TryLeaseEventRelayAsync("redis", "node-2", T0.AddSeconds(26), RelayLease, Ct));
        Assert.False(await Store.AdvanceEventRelayAsync("redis", "node-1", "stale", Ct));
        Assert.Null(await Store.TryLeaseEventRelayAsync("redis", "node-1", T0.AddSeconds(27), RelayLease, Ct));

        await Store.ReleaseEventRelayAsync("redis", "node-2", Ct);
        Assert.Equal("cursor-1", await Store.TryLeaseEventRelayAsync("redis", "node-1", T0.AddSeconds(28), RelayLease, Ct));
    }

    [Fact]
    public async Task ReadEventsAfterAsync_FromTheStart_ReturnsEveryEventInCommitOrder_ThenOnlyNewOnes()
    {
        var execution = Guid.NewGuid();
        var first = await InsertRelayEventsAsync(TenantA, execution, 1, 2, 3);
        await InsertRelayEventsAsync(TenantB, Guid.NewGuid(), 100);
        await InsertRelayEventsAsync(TenantA, execution, 4, 5);

        var (events, cursor) = await DrainRelayAsync("");

        Assert.Equal([1, 2, 3, 4, 5], events.Where(e => e.Event.ExecutionId == execution).Select(N));
        Assert.Equal(first, events.Take(3).Select(e => e.Event.Id));
        Assert.Equal([TenantA, TenantA, TenantA, TenantB, TenantA, TenantA], events.Select(e => e.Event.Tenant));
        var sequences = events.Where(e => e.Event.ExecutionId == execution).Select(e => e.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(5, sequences.Distinct().Count());
        Assert.Equal("workflow_execution_update", events[0].Event.Payload["event"]!.GetValue<string>());

        Assert.Empty((await Store.ReadEventsAfterAsync(cursor, 500, Ct)).Events);
        await InsertRelayEventsAsync(TenantA, execution, 6);
        var (later, _) = await DrainRelayAsync(cursor);
        Assert.Equal([6], later.Select(N));
    }

    [Fact]
    public async Task ReadEventsAfterAsync_InSmallPages_LosesAndRepeatsNothing()
    {
        var execution = Guid.NewGuid();
        await InsertRelayEventsAsync(TenantA, execution, 1, 2, 3);
        await InsertRelayEventsAsync(TenantA, execution, 4, 5, 6, 7);

        var (events, cursor) = await DrainRelayAsync("", page: 2);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], events.Select(N));
        await InsertRelayEventsAsync(TenantA, execution, 8);
        Assert.Equal([8], (await DrainRelayAsync(cursor, page: 2)).Events.Select(N));
    }

    [Fact]
    public async Task ReadEventsAfterAsync_ACursorStoredAndReadBack_ResumesAfterIt()
    {
        var execution = Guid.NewGuid();
        await InsertRelayEventsAsync(TenantA, execution, 1, 2);
        var cursor = await Store.TryLeaseEventRelayAsync("redis", "node-1", T0, RelayLease, Ct);
        var (events, next) = await DrainRelayAsync(cursor!);
        Assert.True(await Store.AdvanceEventRelayAsync("redis", "node-1", next, Ct));
        await InsertRelayEventsAsync(TenantA, execution, 3);

        await ReopenAsync();
        var resumed = await Store.TryLeaseEventRelayAsync("redis", "node-1", T0.AddSeconds(1), RelayLease, Ct);

        Assert.Equal([1, 2], events.Select(N));
        Assert.Equal([3], (await DrainRelayAsync(resumed!)).Events.Select(N));
    }
}
