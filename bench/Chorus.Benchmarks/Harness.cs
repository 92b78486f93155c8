using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Benchmarks;

/// <summary>Engines on a fresh store, as server processes run them, plus a way to wait for completions. One
/// node runs in this process; several nodes (shared store only) each run in their own process, as a cluster
/// does, and this process only starts executions on them in turn and counts completions.</summary>
internal sealed class Harness : IAsyncDisposable
{
    internal static readonly StepRegistry Registry = BuiltInSteps.CreateRegistry().Register(new IncrementStep());

    private readonly BenchStore _bench;
    private WorkflowService _workflows;
    private IHost? _host;
    private ChorusEngine? _engine;
    private readonly List<NodeProcess> _nodes = [];
    private IDisposable? _subscription;
    private readonly Lock _gate = new();
    private int _completed;
    private (int Target, TaskCompletionSource Done)? _waiter;
    private int _nextNode;

    private Harness(BenchStore bench, IHost? host)
    {
        _bench = bench;
        _host = host;
        _engine = host?.Services.GetRequiredService<ChorusEngine>();
        _workflows = new WorkflowService(bench.Store, Registry, TimeProvider.System);
        if (_engine is not null)
            _subscription = _engine.Events.Subscribe(OnEvent);
    }

    /// <summary>An engine as the benchmarks run it: concurrency limits are lifted (the global one, and the tenant's
    /// share of it: every workload runs in one tenant) so the workloads measure the engine, not the admission queue.</summary>
    /// <remarks>The host runs the engine on <paramref name="store"/>, which stays the caller's to dispose.</remarks>
    public static async Task<IHost> StartEngineAsync(IChorusStore store, string nodeId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddChorus(o => o with
        {
            MaxConcurrentWorkflows = 1_000_000, NodeId = nodeId, Limits = new ExecutionLimits { TenantSlotShare = 1.0 },
        }).UseStore(store).AddStep<IncrementStep>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <param name="seed">Fills the fresh store before any engine runs on it (W3P's old history).</param>
    /// <param name="stats">The store keeps the statistics --stats reports (see <see cref="StoreStats"/>).</param>
    public static async Task<Harness> StartAsync(StoreKind kind, bool fullSync, int nodes, Func<BenchStore, Task>? seed = null, bool stats = false)
    {
        var bench = await BenchStore.OpenAsync(kind, fullSync, stats);
        if (seed is not null)
            await seed(bench);
        if (nodes == 1)
        {
            return new Harness(bench, await StartEngineAsync(bench.Store, "bench-node-0"));
        }
        var harness = new Harness(bench, host: null);
        for (var i = 0; i < nodes; i++)
            harness._nodes.Add(await NodeProcess.LaunchAsync(bench.Url, $"bench-node-{i}", harness.OnCompleted));
        await harness.WarmUpAsync();
        return harness;
    }

    /// <summary>A fresh process compiles its code as it first runs it (tiered JIT), which cost a node more CPU
    /// than its share of a whole run; servers in service are warm. So each node runs a few thousand steps first,
    /// then idles a moment while the optimised code is compiled in the background.</summary>
    private async Task WarmUpAsync()
    {
        var sequence = await CreateAsync(Workflows.Sequence(10));
        var count = WarmUpExecutionsPerNode * _nodes.Count;
        var warm = ExpectCompletions(count);
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartAsync(sequence)));
        await warm.WaitAsync(TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private const int WarmUpExecutionsPerNode = 300;

    public BenchStore Bench => _bench;

    /// <summary>The engine's history pruning as <c>AddChorus</c> builds it, keeping <paramref name="history"/> of
    /// history, with the engine's own batch size, pause and vacuum (<see cref="EngineOptions.Retention"/>).</summary>
    public RetentionJob CreateRetentionJob(TimeSpan history)
    {
        var engine = _engine ?? throw new InvalidOperationException("History pruning runs in this process: run it with one node.");
        var options = engine.Options with { Retention = engine.Options.Retention with { History = history } };
        return new RetentionJob(engine, new SettingRetentionPolicy(options), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionJob>.Instance);
    }

    /// <summary>Stops the engine and closes its store, then opens the same data and starts a new engine on it, as
    /// a server process that restarts does; returns once the new engine is started (its start has run).</summary>
    public async Task RestartAsync()
    {
        var old = _host ?? throw new InvalidOperationException("A restart is measured in this process: run it with one node.");
        _subscription?.Dispose();
        await old.StopAsync();
        old.Dispose();
        _host = null;
        _engine = null;
        await _bench.ReopenAsync();
        _workflows = new WorkflowService(_bench.Store, Registry, TimeProvider.System);
        _host = await StartEngineAsync(_bench.Store, "bench-node-0");
        _engine = _host.Services.GetRequiredService<ChorusEngine>();
        _subscription = _engine.Events.Subscribe(OnEvent);
    }

    /// <summary>The first page of the tenant's executions, as <c>GET /api/executions</c> reads it.</summary>
    public Task ListExecutionsAsync() =>
        _bench.Store.ListExecutionsAsync(TenantId.Default, new ExecutionQuery(), CancellationToken.None);

    public async Task<Guid> CreateAsync(JsonObject definition) =>
        (await _workflows.CreateAsync(TenantId.Default, definition)).Workflow.Id;

    /// <summary>How many executions have ended since the harness started.</summary>
    public int Completed
    {
        get
        {
            lock (_gate)
                return _completed;
        }
    }

    /// <summary>A task that ends when <paramref name="count"/> more executions have ended.</summary>
    public Task ExpectCompletions(int count)
    {
        lock (_gate)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = (_completed + count, done);
            return done.Task;
        }
    }

    public async Task<int> CountWaitingAsync() =>
        (await _bench.Store.ListExecutionsAsync(TenantId.Default,
            new ExecutionQuery { Status = ExecutionStatus.Waiting, Limit = 1 }, CancellationToken.None)).Total;

    /// <summary>Starts an execution on the next node in turn, as a load balancer would.</summary>
    public Task StartAsync(Guid workflowId) => _engine is not null
        ? _engine.StartExecutionAsync(TenantId.Default, workflowId, new JsonObject { ["counter"] = 0 })
        : _nodes[(int)((uint)Interlocked.Increment(ref _nextNode) % _nodes.Count)].StartExecutionAsync(workflowId);

    /// <summary>CPU seconds used so far by this process, by each node process (none when the node runs here), and
    /// by the PostgreSQL server's processes (zero on SQLite; backends that exit take their time with them).</summary>
    public CpuSample SampleCpu()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuSample(self.TotalProcessorTime.TotalSeconds, _nodes.Select(n => n.CpuSeconds).ToArray(),
            _bench.PostmasterPid is { } postmaster ? PostgresCpuSeconds(postmaster) : 0);
    }

    // The server's processes are its postmaster and the postmaster's children (backends, WAL writer, checkpointer...):
    // on a machine where other PostgreSQL servers run (other checkouts' tests), their time is not this bench's.
    private static double PostgresCpuSeconds(int postmaster)
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(directory), out var pid))
                try
                {
                    if (pid != postmaster && ParentOf(directory) != postmaster)
                        continue;
                    using var process = Process.GetProcessById(pid);
                    total += process.TotalProcessorTime.TotalSeconds;
                }
                catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
                {
                    // It exited meanwhile.
                }
        return total;
    }

    /// <summary>The PPid line of /proc/PID/status.</summary>
    internal static int? ParentOf(string procDirectory) =>
        File.ReadLines(Path.Combine(procDirectory, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal)) is { } line
            ? int.Parse(line["PPid:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : null;

    public const string CompletedEvent = "workflow_execution_completed";

    private void OnEvent(EventRecord evt)
    {
        if (evt.Type == CompletedEvent)
            OnCompleted();
    }

    private void OnCompleted()
    {
        lock (_gate)
        {
            _completed++;
            if (_waiter is { } w && _completed >= w.Target)
            {
                _waiter = null;
                w.Done.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _bench.DisposeAsync();
    }
}

/// <summary>CPU seconds at one moment; subtract two to get what a run used.</summary>
internal sealed record CpuSample(double Self, double[] Nodes, double Postgres)
{
    /// <summary>CPU seconds of every process of a run since <paramref name="start"/>: engines, driver and PostgreSQL.</summary>
    public double TotalSince(CpuSample start) => Self + Nodes.Sum() + Postgres - (start.Self + start.Nodes.Sum() + start.Postgres);

    public string Since(CpuSample start)
    {
        var nodes = Nodes.Select((n, i) => n - start.Nodes[i]).ToArray();
        var text = nodes.Length == 0
            ? $"cpu_s={Self - start.Self:0.0}"
            : $"cpu_nodes_s={string.Join('/', nodes.Select(n => n.ToString("0.0")))} cpu_driver_s={Self - start.Self:0.0}";
        return Postgres > 0 ? $"{text} cpu_postgres_s={Postgres - start.Postgres:0.0}" : text;
    }
}
