using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Benchmarks;

/// <summary>Engines on a fresh store, as server processes run them (several only on a shared store), plus a way
/// to wait for completions.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly BenchStore _bench;
    private readonly IChorusStore _store;
    private readonly WorkflowService _workflows;
    private readonly IDisposable _subscription;
    private readonly Lock _gate = new();
    private int _completed;
    private (int Target, TaskCompletionSource Done)? _waiter;
    private readonly List<ChorusEngine> _engines;
    private int _nextEngine;

    private Harness(BenchStore bench, List<ChorusEngine> engines, WorkflowService workflows)
    {
        _bench = bench;
        _store = bench.Store;
        _engines = engines;
        _workflows = workflows;
        // Events cross nodes on a shared store, so the first node sees every completion.
        _subscription = engines[0].Events.Subscribe(OnEvent);
    }

    public static async Task<Harness> StartAsync(StoreKind kind, bool fullSync, int nodes)
    {
        var bench = await BenchStore.OpenAsync(kind, fullSync);
        var registry = BuiltInSteps.CreateRegistry().Register(new IncrementStep());
        // Concurrency limits are lifted so the workloads measure the engine, not the admission queue.
        var options = new EngineOptions { MaxConcurrentWorkflows = 1_000_000 };
        var engines = new List<ChorusEngine>();
        for (var i = 0; i < nodes; i++)
        {
            var store = i == 0 ? bench.Store : await bench.OpenAnotherAsync();
            var engine = new ChorusEngine(store, store, store, registry, options with { NodeId = $"bench-node-{i}" });
            await engine.StartAsync(reclaimForeignLeases: store.IsExclusiveWriter);
            engines.Add(engine);
        }
        return new Harness(bench, engines, new WorkflowService(bench.Store, registry, TimeProvider.System));
    }

    public async Task<Guid> CreateAsync(JsonObject definition) =>
        (await _workflows.CreateAsync(TenantId.Default, definition, CancellationToken.None)).Workflow.Id;

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
        (await _store.ListExecutionsAsync(TenantId.Default,
            new ExecutionQuery { Status = ExecutionStatus.Waiting, Limit = 1 }, CancellationToken.None)).Total;

    /// <summary>Starts an execution on the next node in turn, as a load balancer would.</summary>
    public Task StartAsync(Guid workflowId) =>
        _engines[(int)((uint)Interlocked.Increment(ref _nextEngine) % _engines.Count)]
            .StartExecutionAsync(TenantId.Default, workflowId, new JsonObject { ["counter"] = 0 });

    private void OnEvent(EventRecord evt)
    {
        if (evt.Type != "workflow_execution_completed")
            return;
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
        _subscription.Dispose();
        foreach (var engine in _engines)
            await engine.DisposeAsync();
        await _bench.DisposeAsync();
    }

}
