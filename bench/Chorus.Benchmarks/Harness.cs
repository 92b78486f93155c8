using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Storage.Sqlite;

namespace Chorus.Benchmarks;

/// <summary>One engine on a fresh SQLite file, as the server runs it, plus a way to wait for completions.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SqliteStore _store;
    private readonly WorkflowService _workflows;
    private readonly IDisposable _subscription;
    private readonly Lock _gate = new();
    private int _completed;
    private (int Target, TaskCompletionSource Done)? _waiter;

    private Harness(string directory, SqliteStore store, ChorusEngine engine, WorkflowService workflows)
    {
        _directory = directory;
        _store = store;
        Engine = engine;
        _workflows = workflows;
        _subscription = engine.Events.Subscribe(OnEvent);
    }

    public ChorusEngine Engine { get; }

    public static async Task<Harness> StartAsync(bool fullSync)
    {
        var directory = Path.Combine(Path.GetTempPath(), "chorus-bench-" + Guid.NewGuid().ToString("N"));
        var store = await SqliteStore.OpenAsync(Path.Combine(directory, "bench.db"), fullSync);
        var registry = BuiltInSteps.CreateRegistry().Register(new IncrementStep());
        // Concurrency limits are lifted so the workloads measure the engine, not the admission queue.
        var options = new EngineOptions { MaxConcurrentWorkflows = 1_000_000 };
        var engine = new ChorusEngine(store, store, store, registry, options);
        await engine.StartAsync(reclaimForeignLeases: true);
        return new Harness(directory, store, engine, new WorkflowService(store, registry, TimeProvider.System));
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
            new Chorus.Engine.Storage.ExecutionQuery { Status = Chorus.Engine.Storage.ExecutionStatus.Waiting, Limit = 1 }, CancellationToken.None)).Total;

    public Task StartAsync(Guid workflowId) => Engine.StartExecutionAsync(TenantId.Default, workflowId, new JsonObject { ["counter"] = 0 });

    private void OnEvent(Chorus.Engine.Storage.EventRecord evt)
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
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

}
