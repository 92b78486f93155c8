using System.Diagnostics;

namespace Chorus.Peers;

/// <summary>A child process: one peer, one workload, one run, on a fresh store. Prints one result line in the form
/// bench/Chorus.Benchmarks prints its own, after checking that every chain ran all its steps.</summary>
internal static class PeerProcess
{
    private const int WarmUpChains = 5; // W2: the first chains warm up the JIT and the caches, as Chorus's W2 does

    /// <summary>The peers measured on each store, in the order they run. Workflow Core runs in memory on both: it
    /// is the reference for engine overhead with no durability.</summary>
    public static string[] PeersFor(Store store) => store == Store.Sqlite
        ? ["hangfire", "workflowcore"]
        : ["hangfire", "wolverine", "workflowcore"];

    public static async Task<string> RunAsync(string name, BenchOptions options)
    {
        var workload = options.Workloads.Single();
        var chains = workload == "W2" ? options.PeerRepeats.For(name) + WarmUpChains : options.N;
        var tracker = ChainTracker.Current = new ChainTracker(chains, BenchOptions.Steps);
        var inMemory = name == "workflowcore";
        await using var database = inMemory ? null : await PeerDatabase.CreateAsync(options.Store);
        await using var peer = await StartPeerAsync(name, options.Store, database?.Location);
        var figures = workload switch
        {
            "W2" => await LatencyAsync(peer, tracker, options.PeerRepeats.For(name)),
            "W3" => await ThroughputAsync(peer, tracker, options.N, options.Store),
            _ => throw new ArgumentException($"Unknown workload '{workload}'; known: W2, W3."),
        };
        await tracker.VerifyAsync(chains);
        var store = inMemory ? "memory" : options.Store.ToString().ToLowerInvariant();
        return $"engine={name} store={store} workload={workload} {figures}";
    }

    private static async Task<IPeer> StartPeerAsync(string name, Store store, string? location) => name switch
    {
        "hangfire" => await HangfirePeer.StartAsync(store, location!),
        "wolverine" when store == Store.Postgres => await WolverinePeer.StartAsync(location!),
        "workflowcore" => await WorkflowCorePeer.StartAsync(),
        _ => throw new ArgumentException($"No peer '{name}' on {store}; known: {string.Join(", ", PeersFor(store))}."),
    };

    /// <summary>W2: one chain start to completion, repeated; median and p99 latency (Chorus's LatencyAsync).</summary>
    private static async Task<string> LatencyAsync(IPeer peer, ChainTracker tracker, int repeats)
    {
        var samples = new List<double>(repeats);
        for (var chain = 0; chain < repeats + WarmUpChains; chain++)
        {
            var clock = Stopwatch.StartNew();
            await peer.StartChainAsync(chain);
            await tracker.WaitForCompletedAsync(chain + 1, TimeSpan.FromMinutes(1));
            if (chain >= WarmUpChains)
                samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        var median = samples[samples.Count / 2];
        var p99 = samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.99) - 1)];
        return $"n={repeats} steps={tracker.Steps} median_ms={median:0.00} p99_ms={p99:0.00}";
    }

    /// <summary>W3: n chains started at once, wall time until all completed (Chorus's ManyAsync). The starts run
    /// on the thread pool, since some peers' clients are synchronous.</summary>
    private static async Task<string> ThroughputAsync(IPeer peer, ChainTracker tracker, int n, Store store)
    {
        var cpu = CpuMeter.Sample(store);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, n).Select(chain => Task.Run(() => peer.StartChainAsync(chain))));
        await tracker.WaitForCompletedAsync(n, TimeSpan.FromMinutes(10));
        var wall = clock.Elapsed.TotalMilliseconds;
        var steps = tracker.Steps;
        return $"n={n} steps={steps} wall_ms={wall:0} wf_per_s={n / (wall / 1000):0.0} steps_per_s={n * steps / (wall / 1000):0} " +
            CpuMeter.Sample(store).Since(cpu);
    }
}
