using System.Text.Json.Nodes;
using Chorus.Engine.Events;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>The committer keeps the executions it wrote in memory (the embedded store has one writer); an
/// operation that fails must not leave its half-done change there.</summary>
public sealed class CommitterTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("t1");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-committer-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource _stop = new();
    private SqliteStore _store = null!;
    private Committer _committer = null!;
    private Task _loop = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_dir, "c.db"));
        _committer = new Committer(_store, new EventHub(), new EngineOptions(), TimeProvider.System, NullLogger.Instance);
        _loop = Task.Run(() => _committer.RunLoopAsync(_stop.Token));
    }

    public async Task DisposeAsync()
    {
        _committer.Complete();
        await _loop;
        _stop.Dispose();
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task RunAsync_OperationFailsAfterChangingAnExecution_NextOperationSeesTheCommittedState()
    {
        var execution = Cached();
        await _committer.RunAsync(async s => { await s.InsertExecutionAsync(execution); return true; });

        await Assert.ThrowsAsync<InvalidOperationException>(() => _committer.RunAsync<bool>(async s =>
        {
            var e = (await s.GetExecutionAsync(Tenant, execution.Id))!;
            e.Status = ExecutionStatus.Failed;
            e.Context["half"] = "done";
            await s.UpdateExecutionAsync(e);
            throw new InvalidOperationException("the operation fails after its change");
        }));
        var seen = await _committer.RunAsync(s => s.GetExecutionAsync(Tenant, execution.Id));

        Assert.Equal(ExecutionStatus.Running, seen!.Status);
        Assert.False(seen.Context.ContainsKey("half"));
        Assert.Equal(ExecutionStatus.Running, (await _store.GetExecutionAsync(Tenant, execution.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RunAsync_CachedExecution_IsNotVisibleToAnotherTenant()
    {
        var execution = Cached();
        await _committer.RunAsync(async s => { await s.InsertExecutionAsync(execution); return true; });

        var seen = await _committer.RunAsync(s => s.GetExecutionAsync(new TenantId("t2"), execution.Id));

        Assert.Null(seen);
    }

    [Fact]
    public async Task RunAsync_ChangeCommitted_NextOperationSeesIt()
    {
        var execution = Cached();
        await _committer.RunAsync(async s => { await s.InsertExecutionAsync(execution); return true; });

        await _committer.RunAsync(async s =>
        {
            var e = (await s.GetExecutionAsync(Tenant, execution.Id))!;
            e.Context["step"] = 1;
            await s.UpdateExecutionAsync(e);
            return true;
        });
        var seen = await _committer.RunAsync(s => s.GetExecutionAsync(Tenant, execution.Id));

        Assert.Equal(1, seen!.Context["step"]!.GetValue<int>());
        Assert.Equal(1, (await _store.GetExecutionAsync(Tenant, execution.Id, CancellationToken.None))!.Context["step"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunAsync_ExecutionLeftWaitingOnATimer_IsNotKeptInMemory()
    {
        var waiting = NewExecution(ExecutionStatus.Waiting, ("wait", StepStatus.Waiting));
        var running = Cached();

        await _committer.RunAsync(async s => { await s.InsertExecutionAsync(waiting); return true; });
        var afterWaiting = _committer.CachedExecutions;
        await _committer.RunAsync(async s => { await s.InsertExecutionAsync(running); return true; });

        Assert.Equal(0, afterWaiting);
        Assert.Equal(1, _committer.CachedExecutions); // the one about to run its next step stays
        var seen = await _committer.RunAsync(s => s.GetExecutionAsync(Tenant, waiting.Id));
        Assert.Equal(StepStatus.Waiting, seen!.State.Steps["wait"].Status); // read back from the store when it is next changed
    }

    [Fact]
    public async Task RunAsync_ExecutionThatEnded_IsNotKeptInMemory()
    {
        var execution = NewExecution(ExecutionStatus.Running, ("only", StepStatus.Running));
        await _committer.RunAsync(async s => { await s.InsertExecutionAsync(execution); return true; });
        var whileRunning = _committer.CachedExecutions;

        await _committer.RunAsync(async s =>
        {
            var e = (await s.GetExecutionAsync(Tenant, execution.Id))!;
            e.State.Steps["only"].Status = StepStatus.Completed;
            e.Status = ExecutionStatus.Completed;
            await s.UpdateExecutionAsync(e);
            return true;
        });

        Assert.Equal(1, whileRunning);
        Assert.Equal(0, _committer.CachedExecutions);
    }

    [Fact]
    public async Task RunAsync_OneOperationOfABatchFailsAfterItsWrites_OnlyItsWritesAreUndone()
    {
        var executions = new[] { Cached(), Cached(), Cached() };
        foreach (var e in executions)
            await _committer.RunAsync(async s => { await s.InsertExecutionAsync(e); return true; });
        // The three changes queue behind an operation that holds the committer, so they share one transaction.
        var hold = new TaskCompletionSource();
        var holding = _committer.RunAsync(async _ => { await hold.Task; return true; });
        Task<bool> Change(ExecutionRecord execution, bool fail) => _committer.RunAsync(async s =>
        {
            var e = (await s.GetExecutionAsync(Tenant, execution.Id))!;
            e.Context["changed"] = true;
            await s.UpdateExecutionAsync(e);
            return fail ? throw new InvalidOperationException("fails after its write") : true;
        });
        var changes = new[] { Change(executions[0], fail: false), Change(executions[1], fail: true), Change(executions[2], fail: false) };
        hold.SetResult();
        await holding;

        Assert.True(await changes[0]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => changes[1]);
        Assert.True(await changes[2]);
        var stored = new List<bool>();
        foreach (var e in executions)
            stored.Add((await _store.GetExecutionAsync(Tenant, e.Id, CancellationToken.None))!.Context.ContainsKey("changed"));
        Assert.Equal([true, false, true], stored);
        var seen = await _committer.RunAsync(s => s.GetExecutionAsync(Tenant, executions[1].Id));
        Assert.False(seen!.Context.ContainsKey("changed"));
    }

    /// <summary>An execution with a step about to run, which the committer keeps in memory.</summary>
    private static ExecutionRecord Cached() => NewExecution(ExecutionStatus.Running, ("next", StepStatus.Scheduled));

    private static ExecutionRecord NewExecution(ExecutionStatus status, (string Id, StepStatus Status) step)
    {
        var execution = NewExecution();
        execution.Status = status;
        execution.State.Steps[step.Id] = new StepState { Status = step.Status };
        return execution;
    }

    /// <summary>A running execution of tenant t1 with no steps yet (also the other committer tests' row).</summary>
    internal static ExecutionRecord NewExecution() => new()
    {
        Tenant = Tenant, Id = Guid.NewGuid(), WorkflowId = Guid.NewGuid(), WorkflowVersion = 1, Status = ExecutionStatus.Running,
        Mode = ExecutionMode.Automatic, Context = new JsonObject(), State = new ExecutionState(), CreatedAt = DateTimeOffset.UnixEpoch,
    };
}
