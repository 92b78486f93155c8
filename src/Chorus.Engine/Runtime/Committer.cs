using System.Threading.Channels;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using Chorus.Engine.Telemetry;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>The single writer of the engine. Operations from all workers and API calls queue here and are
/// committed together, many per transaction (group commit): on SQLite there is one writer anyway, and one
/// fsync for a batch is what makes durable throughput possible. A failing operation is undone alone (see
/// <see cref="CommitBatchAsync"/>). Events and wake-ups are released only once the commit is on disk
/// (<see cref="CommitSync"/> on a store that flushes apart from its commits).</summary>
internal sealed class Committer(IEngineStore store, EventHub events, EngineOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Receives the work this node leased to itself in a commit, once that commit is durable.</summary>
    public Action<IReadOnlyList<WorkItem>, IReadOnlyDictionary<Guid, ExecutionSnapshot>>? OnLocalWork { get; set; }

    /// <summary>How many more items this node's worker can start now; on a shared store, commits lease no more
    /// than that to this node and leave the rest in the store's queue for any node.</summary>
    public Func<int>? LocalCapacity
    {
        set => Budget = store.Capabilities.SharedWorkQueue && value is not null ? new LocalBudget(value) : null;
    }

    private LocalBudget? Budget { get; set; }

    /// <summary>Runs the pure steps an operation scheduled, inside its savepoint, before the commit.</summary>
    public Func<CommitScope, Task>? RunPureSteps { get; set; }

    /// <summary>Told of every storage fault (full disk, read-only or unreachable database) a commit met.</summary>
    public Action<StorageFault>? OnStorageFault { get; set; }

    /// <summary>Receives the earliest due time of work committed to the store's queue (timers, retries, releases).</summary>
    public Action<DateTimeOffset>? OnStoreWork { get; set; }

    private readonly CommitSync? _sync = store.Capabilities.CommitsSyncedLater ? new CommitSync(store, logger) : null;

    // Only a store with one writer (the embedded one) lets this process trust what it wrote last across commits.
    private readonly ExecutionCache? _cache = store.Capabilities.SingleWriter ? new ExecutionCache() : null;

    /// <summary>How many executions the committer holds in memory between commits (none on a shared store).</summary>
    internal int CachedExecutions => _cache?.Count ?? 0;

    private readonly Channel<PendingOperation> _queue = Channel.CreateUnbounded<PendingOperation>(
        new UnboundedChannelOptions { SingleReader = Lanes(store, options) == 1 });

    // A store with one transaction at a time (the embedded one has one writer) gets one lane. On a store that
    // runs several at once they overlap their round trips to the server; row locks keep two changes of one
    // execution apart.
    private static int Lanes(IEngineStore store, EngineOptions options) =>
        store.Capabilities.ConcurrentTransactions ? Math.Max(1, options.CommitLanes) : 1;

    public async Task<T> RunAsync<T>(Func<CommitScope, Task<T>> work, CancellationToken ct = default)
    {
        var operation = new PendingOperation(async scope => await work(scope).ConfigureAwait(false));
        if (!_queue.Writer.TryWrite(operation))
            throw new InvalidOperationException("The engine is stopping.");
        var result = await operation.Done.Task.WaitAsync(ct).ConfigureAwait(false);
        return (T)result!;
    }

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunLoopAsync(CancellationToken stopping)
    {
        _sync?.Start();
        await Task.WhenAll(Enumerable.Range(0, Lanes(store, options)).Select(_ => RunLaneAsync(stopping))).ConfigureAwait(false);
        if (_sync is not null)
            await _sync.StopAsync().ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
            left.Done.TrySetException(new OperationCanceledException("The engine stopped before this change was committed."));
    }

    private async Task RunLaneAsync(CancellationToken stopping)
    {
        var batch = new List<PendingOperation>(options.CommitBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < options.CommitBatchSize && _queue.Reader.TryRead(out var op))
                    batch.Add(op);
                if (batch.Count > 0)
                    await CommitBatchAsync(batch).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    // A deadlock or a busy database is another writer's timing, not the operation's fault: try it again.
    private const int MaxAttempts = 3;

    /// <param name="guarded">Each operation in its own savepoint, so that a failing one is undone alone. A batch
    /// first runs without them (two statements fewer per operation, and operations rarely fail); when one fails,
    /// the transaction is given up and the batch runs again guarded.</param>
    private async Task CommitBatchAsync(List<PendingOperation> batch, int attempt = 1, bool guarded = false)
    {
        var scopes = new List<CommitScope>(batch.Count);
        try
        {
            await CommitAsync(batch, attempt, scopes, guarded).ConfigureAwait(false);
        }
        finally
        {
            // What this batch leased is in the worker's queue by now, or was never committed: either way the
            // worker's own free capacity tells the truth again.
            Budget?.Release(scopes.Sum(x => x.Leased));
        }
    }

    private async Task CommitAsync(List<PendingOperation> batch, int attempt, List<CommitScope> scopes, bool guarded)
    {
        // On a shared store the executions this transaction reads stay locked until it ends, so they can be kept
        // in memory for its later operations, but not beyond it.
        var cache = _cache ?? new ExecutionCache();
        var succeeded = new List<(PendingOperation Op, object? Result, CommitScope Scope)>(batch.Count);
        var again = new List<PendingOperation>();
        var began = time.GetTimestamp();
        var abandoned = false;
        try
        {
            await using var tx = await store.BeginAsync(CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count && !abandoned; i++)
            {
                var op = batch[i];
                var scope = new CommitScope(tx, options.NodeId, time, options.LeaseDuration, cache, Budget);
                scopes.Add(scope);
                var savepoint = "op" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (guarded)
                    await tx.SavepointAsync(savepoint).ConfigureAwait(false);
                try
                {
                    var result = await op.Work(scope).ConfigureAwait(false);
                    if (scope.PureSteps.Count > 0 && RunPureSteps is { } runPure)
                        await runPure(scope).ConfigureAwait(false);
                    if (guarded)
                        await tx.ReleaseSavepointAsync(savepoint).ConfigureAwait(false);
                    succeeded.Add((op, result, scope));
                }
                catch (Exception ex) when (!guarded && batch.Count > 1)
                {
                    // Its writes cannot be undone alone, and on a store that sends writes late the error may even be
                    // an earlier operation's: leave the transaction uncommitted and run the whole batch again guarded.
                    cache.Clear();
                    logger.LogDebug(ex, "An operation of a batch of {Count} failed; running the batch again, each operation in a savepoint", batch.Count);
                    throw new RunGuarded();
                }
                catch (Exception ex)
                {
                    if (guarded)
                    {
                        await tx.RollbackToSavepointAsync(savepoint).ConfigureAwait(false);
                        await tx.ReleaseSavepointAsync(savepoint).ConfigureAwait(false);
                    }
                    cache.Forget(scope.Touched);
                    if (IsTransient(ex) && attempt < MaxAttempts)
                        again.Add(op);
                    else
                        Fail(op, ex);
                    abandoned = !guarded; // alone in its batch, with nothing to undo it to: nothing to commit
                }
            }
            if (!abandoned)
            {
                if (succeeded.Select(x => x.Scope.StoreWorkDue).Min() is { } due)
                    await tx.AnnounceWorkAsync(due).ConfigureAwait(false);
                if (store.Capabilities.CrossNodeEvents && succeeded.SelectMany(x => x.Scope.Events).Select(e => e.Id).ToList() is { Count: > 0 } eventIds)
                    await tx.AnnounceEventsAsync(eventIds).ConfigureAwait(false);
                await tx.CommitAsync().ConfigureAwait(false);
            }
        }
        catch (RunGuarded)
        {
            Budget?.Release(scopes.Sum(x => x.Leased)); // nothing of this try was committed
            scopes.Clear();
            await CommitBatchAsync(batch, attempt, guarded: true).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            cache.Clear();
            // A store that sends writes late (PostgreSQL's pipeline) may report one operation's bad write while
            // running another's, and the whole transaction is lost: alone, each operation commits or fails on
            // its own. Those that already failed for their own reasons stay failed.
            var transient = IsTransient(ex) && attempt < MaxAttempts;
            if (transient || batch.Count > 1)
            {
                logger.LogWarning(ex, "Commit of a batch of {Count} operations failed; trying each alone", batch.Count);
                foreach (var op in batch.Where(op => !op.Done.Task.IsCompleted))
                    await CommitBatchAsync([op], transient ? attempt + 1 : attempt).ConfigureAwait(false);
                return;
            }
            logger.LogError(ex, "Commit of a batch of {Count} operations failed", batch.Count);
            foreach (var op in batch)
                Fail(op, ex);
            return;
        }

        if (!abandoned)
            EngineMetrics.Committed(batch.Count, time.GetElapsedTime(began));
        foreach (var (_, _, scope) in succeeded)
            cache.ForgetResting(scope.Touched);
        if (_sync is null)
            Acknowledge(succeeded);
        else if (succeeded.Count > 0)
            _sync.Submit(() => Acknowledge(succeeded), ex => FailUnsynced(succeeded, ex), othersWaiting: _queue.Reader.TryPeek(out _));
        if (again.Count > 0)
            await CommitBatchAsync(again, attempt + 1).ConfigureAwait(false);
    }

    /// <summary>Releases what the committed operations did: their events, the work they leased, their callers.</summary>
    private void Acknowledge(List<(PendingOperation Op, object? Result, CommitScope Scope)> succeeded)
    {
        foreach (var (op, result, scope) in succeeded)
        {
            foreach (var record in scope.AfterCommit)
                record();
            if (scope.StoreWorkDue is { } due)
                OnStoreWork?.Invoke(due);
            foreach (var evt in scope.Events)
                events.Publish(evt);
            if (scope.LocalWork.Count > 0)
                OnLocalWork?.Invoke(scope.LocalWork, scope.Snapshots);
            op.Done.TrySetResult(result);
        }
    }

    /// <summary>Committed, but the flush to disk failed: the callers hear that the storage is unavailable, and the
    /// work the batch leased to this node runs when its lease runs out.</summary>
    private void FailUnsynced(List<(PendingOperation Op, object? Result, CommitScope Scope)> succeeded, Exception ex)
    {
        OnStorageFault?.Invoke(StorageFault.Unavailable);
        foreach (var (op, _, _) in succeeded)
            op.Done.TrySetException(new StorageUnavailableException(StorageFault.Unavailable, ex));
    }

    /// <summary>A driver's error that means the storage cannot write (disk full, read-only) reaches the caller as a
    /// <see cref="StorageUnavailableException"/>: the API answers 503, the worker waits and tries again.</summary>
    private void Fail(PendingOperation op, Exception ex)
    {
        var translated = StorageUnavailableException.Translate(store, ex);
        if (translated is StorageUnavailableException storage)
            OnStorageFault?.Invoke(storage.Fault);
        op.Done.TrySetException(translated);
    }

    private static bool IsTransient(Exception ex) => ex is System.Data.Common.DbException { IsTransient: true };

    /// <summary>Thrown out of an unguarded batch's transaction, which then ends uncommitted, to run it again guarded.</summary>
    private sealed class RunGuarded : Exception;

    private sealed class PendingOperation(Func<CommitScope, Task<object?>> work)
    {
        public Func<CommitScope, Task<object?>> Work { get; } = work;
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
