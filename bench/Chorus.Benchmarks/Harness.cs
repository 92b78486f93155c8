using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Benchmarks;

/// <summary>One engine on a fresh store, as the server runs it, plus a way to wait for completions.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly BenchStore _bench;
    private readonly IChorusStore _store;
    private readonly WorkflowService _workflows;
    private readonly IDisposable _subscription;
    private readonly Lock _gate = new();
    private int _completed;
    private (int Target, TaskCompletionSource Done)? _waiter;

    private Harness(BenchStore bench, ChorusEngine engine, WorkflowService workflows)
    {
        _bench = bench;
        _store = bench.Store;
        Engine = engine;
        _workflows = workflows;
        _subscription = engine.Events.Subscribe(OnEvent);
    }

    public ChorusEngine Engine { get; }

    public static async Task<Harness> StartAsync(StoreKind kind, bool fullSync)
    {
        var bench = await BenchStore.OpenAsync(kind, fullSync);
        var store = bench.Store;
        var registry = BuiltInSteps.CreateRegistry().Register(new IncrementStep());
        // Concurrency limits are lifted so the workloads measure the engine, not the admission queue.
        var options = new EngineOptions { MaxConcurrentWorkflows = 1_000_000 };
        var engine = new ChorusEngine(store, store, store, registry, options);
        await engine.StartAsync(reclaimForeignLeases: store.IsExclusiveWriter);
        return new Harness(bench, engine, new WorkflowService(store, registry, TimeProvider.System));
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

    public Task StartAsync(Guid workflowId) => Engine.StartExecutionAsync(TenantId.Default, workflowId, new JsonObject { ["counter"] = 0 });

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
        await Engine.DisposeAsync();
        await _bench.DisposeAsync();
    }

}
