using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>Two engines on one PostgreSQL database, each with several commit lanes: starts racing with one
/// Idempotency-Key across both nodes start one execution, and every racer answers it.</summary>
public sealed class IdempotentStartClusterTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("t1");
    private TwoNodeCluster _nodes = null!;

    public async Task InitializeAsync() => _nodes = await TwoNodeCluster.StartAsync(new EngineOptions { CommitLanes = 4 });

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task TwentyStartsWithOneKeyOnTwoNodes_StartOneExecution()
    {
        var (store, engine) = _nodes[0];
        var (workflow, _) = await new WorkflowService(store, engine.Registry, TimeProvider.System).CreateAsync(Tenant,
            JsonNode.Parse("""{"name": "one step", "steps": [{"id": "a", "type": "output", "config": {"value": 1}}]}""")!.AsObject(),
            ct: CancellationToken.None);
        var key = new IdempotentStart("race", "hash");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            _nodes[i % 2].Engine.StartExecutionAsync(Tenant, workflow.Id, null, ExecutionMode.Automatic, isTest: false, key))));

        Assert.Single(outcomes, o => !o.Replayed);
        Assert.Single(outcomes.Select(o => o.Execution.Id).Distinct());
        Assert.Equal(1, (await store.ListExecutionsAsync(Tenant, new ExecutionQuery(), CancellationToken.None)).Total);
    }
}
