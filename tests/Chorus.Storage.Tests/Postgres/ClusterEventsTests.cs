using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Storage.Postgres;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>Two engines on one PostgreSQL database, as two server processes would run: events committed on
/// one node reach the subscribers of the other, and no node delivers an event twice.</summary>
public sealed class ClusterEventsTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("t1");
    private TwoNodeCluster _nodes = null!;

    public async Task InitializeAsync()
    {
        _nodes = await TwoNodeCluster.StartAsync();
        await UntilNodeBListensAsync();
    }

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task ExecutionStartedOnOneNode_ItsEventsReachTheOtherNodesSubscribersOnce()
    {
        var (storeA, engineA) = _nodes[0];
        var (_, engineB) = _nodes[1];
        var seenOnA = new ConcurrentBag<(long Id, Guid? Execution)>();
        var seenOnB = new ConcurrentBag<(long Id, string Type, Guid? Execution)>();
        using var a = engineA.Events.Subscribe(e => seenOnA.Add((e.Id, e.ExecutionId)));
        using var b = engineB.Events.Subscribe(e => seenOnB.Add((e.Id, e.Type, e.ExecutionId)));
        var (workflow, _) = await new WorkflowService(storeA, engineA.Registry, TimeProvider.System).CreateAsync(Tenant,
            JsonNode.Parse("""{"name": "two steps", "steps": [{"id": "a", "type": "comment", "next": "b"}, {"id": "b", "type": "output", "config": {"value": 1}}]}""")!.AsObject(),
            author: null, CancellationToken.None);

        var execution = await engineA.StartExecutionAsync(Tenant, workflow.Id, null);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!seenOnB.Any(e => e.Execution == execution.Id && e.Type == "workflow_execution_completed") && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Contains(seenOnB, e => e.Execution == execution.Id && e.Type == "workflow_execution_completed");
        Assert.Contains(seenOnB, e => e.Execution == execution.Id && e.Type == "workflow_step_completed");
        await Task.Delay(300); // late duplicates, if any, would arrive now
        Assert.Equal(seenOnB.Count, seenOnB.Select(e => e.Id).Distinct().Count());
        Assert.Equal(seenOnA.Count, seenOnA.Distinct().Count());
        // B's LISTEN connection opens in the background after its engine starts, so the start event A commits at
        // once may come before it (seen under load); from then on B sees each of the execution's events A saw.
        var onA = seenOnA.Where(e => e.Execution == execution.Id).Select(e => e.Id).Order().ToList();
        var onB = seenOnB.Where(e => e.Execution == execution.Id).Select(e => e.Id).Order().ToList();
        Assert.Equal(onA.Skip(onA.Count - onB.Count), onB);
    }

    [Fact]
    public async Task NodeWhoseSubscribersDoNotListen_ReadsNoOtherNodesEvents_UntilOneListens()
    {
        var (storeA, engineA) = _nodes[0];
        var (_, engineB) = _nodes[1];
        var listening = false;
        var seenOnB = new ConcurrentBag<(string Type, Guid? Execution)>();
        using var b = engineB.Events.Subscribe(e => seenOnB.Add((e.Type, e.ExecutionId)), () => Volatile.Read(ref listening));
        var (workflow, _) = await new WorkflowService(storeA, engineA.Registry, TimeProvider.System).CreateAsync(Tenant,
            JsonNode.Parse("""{"name": "one step", "steps": [{"id": "a", "type": "output", "config": {"value": 1}}]}""")!.AsObject(),
            author: null, CancellationToken.None);
        var completedOnA = new ConcurrentBag<Guid?>();
        using var a = engineA.Events.Subscribe(e => { if (e.Type == "workflow_execution_completed") completedOnA.Add(e.ExecutionId); });

        var unheard = await engineA.StartExecutionAsync(Tenant, workflow.Id, null);
        await WaitUntilAsync(() => completedOnA.Contains(unheard.Id));
        await Task.Delay(500); // B's listener would have read the notification by now
        Volatile.Write(ref listening, true);
        var heard = await engineA.StartExecutionAsync(Tenant, workflow.Id, null);
        await WaitUntilAsync(() => seenOnB.Contains(("workflow_execution_completed", heard.Id)));

        Assert.DoesNotContain(seenOnB, e => e.Execution == unheard.Id);
    }

    /// <summary>B opens its LISTEN connection in the background after its engine starts; an execution that ends
    /// before then is never heard on B. Warm-up executions on A until B hears one.</summary>
    private async Task UntilNodeBListensAsync()
    {
        var (storeA, engineA) = _nodes[0];
        var heard = 0;
        using var b = _nodes[1].Engine.Events.Subscribe(_ => Interlocked.Exchange(ref heard, 1));
        var (warmUp, _) = await new WorkflowService(storeA, engineA.Registry, TimeProvider.System).CreateAsync(Tenant,
            JsonNode.Parse("""{"name": "warm-up", "steps": [{"id": "a", "type": "comment"}]}""")!.AsObject(),
            author: null, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref heard) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "Node B never heard node A's events.");
            await engineA.StartExecutionAsync(Tenant, warmUp.Id, null);
            await Task.Delay(200);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(20);
        }
    }
}
