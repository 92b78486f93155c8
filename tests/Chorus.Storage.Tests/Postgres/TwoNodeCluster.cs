using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Storage.Postgres;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>Two engines on one fresh PostgreSQL database, as two server processes would run, for the tests of
/// what crosses nodes. Each node has its own store (its own connections) and its node id "node-0", "node-1".</summary>
internal sealed class TwoNodeCluster : IAsyncDisposable
{
    private readonly PostgresTestDatabase _database = new();
    private readonly List<(PostgresStore Store, ChorusEngine Engine)> _nodes = [];

    public string Url { get; private set; } = "";

    public (PostgresStore Store, ChorusEngine Engine) this[int node] => _nodes[node];

    /// <param name="options">The options of every node; the node id is set here.</param>
    public static async Task<TwoNodeCluster> StartAsync(EngineOptions? options = null, StepRegistry? registry = null)
    {
        var cluster = new TwoNodeCluster();
        cluster.Url = await cluster._database.CreateAsync();
        for (var i = 0; i < 2; i++)
        {
            var store = await PostgresStore.OpenAsync(cluster.Url);
            var engine = new ChorusEngine(store, store, store, registry ?? BuiltInSteps.CreateRegistry(),
                (options ?? new EngineOptions()) with { NodeId = $"node-{i}" });
            await engine.StartAsync(reclaimForeignLeases: false);
            cluster._nodes.Add((store, engine));
        }
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (store, engine) in _nodes)
        {
            await engine.DisposeAsync();
            await store.DisposeAsync();
        }
        await _database.DropAllAsync();
    }
}
