using Chorus.Engine.Events;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>On a store whose commits reach the disk in a later flush (the embedded one with full durability), the
/// committer goes on committing while a flush runs, and acknowledges nothing before its flush has ended.</summary>
public sealed class CommitSyncTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("t1");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-commit-sync-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource _stop = new();
    private SqliteStore _store = null!;
    private GatedFlushStore _gated = null!;
    private Committer _committer = null!;
    private Task _loop = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_dir, "c.db"));
        _gated = new GatedFlushStore(_store);
        _committer = new Committer(_gated, new EventHub(), new EngineOptions(), TimeProvider.System, NullLogger.Instance);
        _loop = Task.Run(() => _committer.RunLoopAsync(_stop.Token));
    }

    public async Task DisposeAsync()
    {
        _gated.Open();
        _committer.Complete();
        await _loop;
        _stop.Dispose();
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void SqliteStore_WithFullDurability_LeavesTheFlushToTheCommitter()
    {
        Assert.True(_store.Capabilities.CommitsSyncedLater);
    }

    [Fact]
    public async Task SqliteStore_WithoutFullDurability_FlushesNothingLater()
    {
        await using var store = await SqliteStore.OpenAsync(Path.Combine(_dir, "normal.db"), fullSync: false);

        Assert.False(store.Capabilities.CommitsSyncedLater);
    }

    [Fact]
    public async Task CommittedBatches_AreAcknowledgedOnlyAfterTheirFlush_InCommitOrder_WhileTheCommitterGoesOn()
    {
        _gated.Close();
        var acknowledged = new List<string>();
        var hold = new TaskCompletionSource();
        // The first operation holds the committer until the second is queued behind it, so the first batch's flush
        // goes to the flushing thread and the committer commits the second batch while that flush waits.
        var first = _committer.RunAsync(async s =>
        {
            await hold.Task;
            await s.InsertExecutionAsync(NewExecution("first"));
            s.AfterCommit.Add(() => acknowledged.Add("first"));
            return true;
        });
        var second = _committer.RunAsync(async s =>
        {
            await s.InsertExecutionAsync(NewExecution("second"));
            s.AfterCommit.Add(() => acknowledged.Add("second"));
            return true;
        });
        hold.SetResult();

        await WaitForAsync(async () => (await _store.ListExecutionsAsync(Tenant, new ExecutionQuery(), CancellationToken.None)).Items.Count == 2);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Empty(acknowledged);

        _gated.Open();

        Assert.True(await first);
        Assert.True(await second);
        Assert.Equal(["first", "second"], acknowledged);
        Assert.True(_gated.Flushes >= 1);
    }

    [Fact]
    public async Task FlushFails_CallersHearTheStorageIsUnavailable_AndLaterCommitsAreAcknowledged()
    {
        _gated.FailNext = true;

        var failed = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            _committer.RunAsync(async s => { await s.InsertExecutionAsync(NewExecution("lost flush")); return true; }));
        var next = await _committer.RunAsync(async s => { await s.InsertExecutionAsync(NewExecution("next")); return true; });

        Assert.Equal(StorageFault.Unavailable, failed.Fault);
        Assert.IsType<IOException>(failed.InnerException);
        Assert.True(next);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 s.");
            await Task.Delay(20);
        }
    }

    private static ExecutionRecord NewExecution(string marker)
    {
        var execution = CommitterTests.NewExecution();
        execution.Context["marker"] = marker;
        return execution;
    }

    /// <summary>The real store, whose flush waits until the test opens it, and fails once when told to.</summary>
    private sealed class GatedFlushStore(SqliteStore inner) : IEngineStore
    {
        private readonly ManualResetEventSlim _gate = new(initialState: true);
        private int _flushes;

        public bool FailNext { get; set; }

        public int Flushes => Volatile.Read(ref _flushes);

        public void Close() => _gate.Reset();

        public void Open() => _gate.Set();

        public StoreCapabilities Capabilities => inner.Capabilities;

        public Task<IEngineTransaction> BeginAsync(CancellationToken ct) => inner.BeginAsync(ct);

        public void SyncCommits()
        {
            Assert.True(_gate.Wait(TimeSpan.FromSeconds(30)), "The test never opened the flush.");
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("Injected fault: the flush to disk failed.");
            }
            inner.SyncCommits();
            Interlocked.Increment(ref _flushes);
        }
    }
}
