using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>Two engines on one fresh PostgreSQL database, as two server processes would run, for the tests of
/// what crosses nodes. Each node has its own store (its own connections) and its node id "node-0", "node-1".</summary>
internal sealed class TwoNodeCluster : IAsyncDisposable
{
    private readonly PostgresTestDatabase _database = new();
    private readonly List<(PostgresStore Store, ChorusEngine Engine)> _nodes = [];
    private readonly List<IHost> _hosts = [];

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
            var nodeId = $"node-{i}";
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            var chorus = builder.Services.AddChorus(_ => (options ?? new EngineOptions()) with { NodeId = nodeId }).UseStore(store);
            if (registry is not null)
                builder.Services.AddSingleton(registry);
            var host = builder.Build();
            cluster._hosts.Add(host);
            await host.StartAsync();
            cluster._nodes.Add((store, host.Services.GetRequiredService<ChorusEngine>()));
        }
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (host, (store, _)) in _hosts.Zip(_nodes))
        {
            await host.StopAsync();
            host.Dispose();
            await store.DisposeAsync();
        }
        await _database.DropAllAsync();
    }
}
