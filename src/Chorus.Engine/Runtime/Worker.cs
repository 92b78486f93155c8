using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using Chorus.Engine.Schedules;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Engine.Telemetry;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>Claims due work items and runs them, up to <see cref="EngineOptions.WorkerConcurrency"/> at once.
/// Claims go through the committer like every other write.</summary>
internal sealed partial class Worker(
    Committer committer,
    ExecutionCommands commands,
    ScheduleCommands schedules,
    StepInvoker invoker,
    WorkSignal signal,
    EngineOptions options,
    TimeProvider time,
    ILogger logger)
{
    private readonly SemaphoreSlim _slots = new(options.WorkerConcurrency, options.WorkerConcurrency);
    private readonly ConcurrentDictionary<long, Running> _running = new();
    private readonly Channel<(WorkItem Item, ExecutionSnapshot? Snapshot)> _local = Channel.CreateUnbounded<(WorkItem, ExecutionSnapshot?)>();

    private readonly CancellationTokenSource _claiming = new();
    private readonly StoreQueueHint _store = new(time);

    /// <summary>How long the worker waits before claiming again after a storage fault.</summary>
    private static readonly TimeSpan StorageBackoff = TimeSpan.FromSeconds(1);

    private sealed record Running(Guid ExecutionId, CancellationTokenSource Cancel, Task Task)
    {
        /// <summary>Cancels the handler unless it already ended: its continuation disposes the source at any moment.</summary>
        public void TryCancel()
        {
            try
            {
                Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished between being listed and being cancelled: nothing left to stop.
            }
        }
    }

    /// <summary>Work items this node holds a lease on and runs now.</summary>
    public int LeasesHeld => _running.Count;

    /// <summary>Free slots not already promised to work in the local queue.</summary>
    public int FreeCapacity => Math.Max(0, _slots.CurrentCount - _local.Reader.Count);

    /// <summary>Work a commit leased to this node: it runs before anything is claimed from the store.</summary>
    public void EnqueueLocal(IReadOnlyList<WorkItem> items, IReadOnlyDictionary<Guid, ExecutionSnapshot> snapshots)
    {
        foreach (var item in items)
            _local.Writer.TryWrite((item, snapshots.GetValueOrDefault(item.ExecutionId)));
        signal.Notify();
    }

    /// <summary>Work was committed to the store's queue, due at <paramref name="due"/>.</summary>
    public void NotifyStoreWork(DateTimeOffset due)
    {
        _store.WorkCommitted(due);
        signal.Notify();
    }

    /// <summary>Graceful shutdown, first half: claim nothing more; running steps go on.</summary>
    public void StopClaiming() => _claiming.Cancel();

    public async Task RunLoopAsync(CancellationToken stopping)
    {
        using var loop = CancellationTokenSource.CreateLinkedTokenSource(stopping, _claiming.Token);
        var claiming = loop.Token;
        while (!claiming.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(claiming).ConfigureAwait(false);
                if (_local.Reader.TryRead(out var local))
                {
                    Launch(local.Item, local.Snapshot, stopping);
                    continue;
                }
                if (_store.Take() && await ClaimAsync(stopping).ConfigureAwait(false))
                    continue;
                _slots.Release();
                await IdleAsync(claiming).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (claiming.IsCancellationRequested)
            {
                break;
            }
            catch (StorageUnavailableException ex)
            {
                // A full disk or a read-only database: nothing is lost by waiting, and nothing to fail.
                logger.LogWarning("Worker waits for the storage: {Reason}", ex.Message);
                _store.Suspect();
                await Task.Delay(StorageBackoff, time, claiming).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Worker loop failed; trying again");
                _store.Suspect();
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, claiming).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims due items from the store with the slot already held and the free ones. False if none.</summary>
    private async Task<bool> ClaimAsync(CancellationToken stopping)
    {
        var free = _slots.CurrentCount + 1;
        var now = time.GetUtcNow();
        var items = await committer.RunAsync(s => s.Tx.ClaimAsync(options.NodeId, free, now, options.LeaseDuration), CancellationToken.None).ConfigureAwait(false);
        if (items.Count == 0)
        {
            _store.ClaimFoundNothing();
            return false;
        }
        _store.Suspect(); // a full claim may have left more behind
        // A claim bumps the fence; a fresh item's first lease makes it 1, so more means an earlier lease ended unfinished.
        EngineMetrics.TakenOver(items.Count(i => i.Fence > 1));
        // One slot is already ours; take the rest without waiting (free was counted from them).
        for (var i = 1; i < items.Count; i++)
            await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var item in items)
            Launch(item, null, stopping);
        return true;
    }

    /// <summary>Waits for in-flight steps to finish, up to the grace period; the rest are handed back by their
    /// leases expiring.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        var all = Task.WhenAll(_running.Values.Select(r => r.Task).ToArray());
        await Task.WhenAny(all, Task.Delay(grace, time)).ConfigureAwait(false);
        foreach (var running in _running.Values)
            running.TryCancel();
        // Cancelled attempts end quickly; give them a moment so none outlives the committer.
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), time)).ConfigureAwait(false);
    }

    /// <summary>Stops the handlers of a cancelled execution that run in this process.</summary>
    public void CancelExecution(Guid executionId)
    {
        foreach (var running in _running.Values.Where(r => r.ExecutionId == executionId))
            running.TryCancel();
    }

    private async Task IdleAsync(CancellationToken stopping)
    {
        if (_local.Reader.Count > 0)
            return;
        if (!_store.NextDueKnown)
            _store.Learn(await committer.RunAsync(s => s.Tx.NextDueAsync(), stopping).ConfigureAwait(false));
        var sleep = _store.SleepBefore(options.CheckInterval);
        if (sleep > TimeSpan.Zero && !await signal.WaitAsync(sleep, time, stopping).ConfigureAwait(false))
            _store.Suspect(); // a timer came due, or the fallback poll interval passed
    }

    private void Launch(WorkItem item, ExecutionSnapshot? snapshot, CancellationToken stopping)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var task = Task.Run(() => ProcessAsync(item, snapshot, cancel.Token), CancellationToken.None);
        _running[item.Id] = new Running(item.ExecutionId, cancel, task);
        _ = task.ContinueWith(_ =>
        {
            _running.TryRemove(item.Id, out var _);
            cancel.Dispose();
            _slots.Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ProcessAsync(WorkItem item, ExecutionSnapshot? snapshot, CancellationToken ct)
    {
        try
        {
            if (item.ReadError is { } unreadable)
                throw new InvalidDataException($"The store could not read work item {item.Id}: {unreadable}");
            if (!await StillLeasedAsync(item).ConfigureAwait(false))
                return;
            switch (item.Kind)
            {
                case WorkItemKind.Deadline:
                    // Steps still running can no longer commit; stop them rather than let them hold slots until their own timeout.
                    if (await committer.RunAsync(s => commands.ApplyDeadlineAsync(s, item), CancellationToken.None).ConfigureAwait(false))
                        CancelExecution(item.ExecutionId);
                    break;
                case WorkItemKind.Fire:
                    await committer.RunAsync(s => schedules.FireAsync(s, item), CancellationToken.None).ConfigureAwait(false);
                    break;
                case WorkItemKind.EndDescendants:
                    await committer.RunAsync(s => commands.ContinueEndingDescendantsAsync(s, item), CancellationToken.None).ConfigureAwait(false);
                    break;
                case WorkItemKind.Resume:
                    await CommitAsync(new ExecutionCommands.StepOutcome { Item = item, Result = ResumeResult(item.Payload), StartedAt = time.GetUtcNow() }).ConfigureAwait(false);
                    break;
                default:
                    var outcome = await invoker.RunAsync(item, snapshot, () => HeartbeatAsync(item), ct).ConfigureAwait(false);
                    if (outcome is not null)
                        await CommitAsync(outcome).ConfigureAwait(false);
                    else
                        await committer.RunAsync(s => s.Tx.CompleteWorkItemAsync(item.Id, item.Fence), CancellationToken.None).ConfigureAwait(false);
                    break;
            }
            _failures.Succeeded(item.ExecutionId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping or cancelled: the lease runs out and the item is claimed again if still wanted.
        }
        catch (StorageUnavailableException ex)
        {
            // Not the execution's fault: the item stays leased until its lease runs out, then runs again.
            logger.LogWarning("Work item {ItemId} of execution {ExecutionId} step {StepId} is not committed, it runs again later: {Reason}",
                item.Id, item.ExecutionId, item.StepId, ex.Message);
        }
        catch (Exception ex)
        {
            await ContainAsync(item, ex).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(ExecutionCommands.StepOutcome outcome)
    {
        try
        {
            await committer.RunAsync(s => commands.ApplyOutcomeAsync(s, outcome), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StepConfigurationException or ChorusException)
        {
            var failed = outcome with { Result = ExecutionCommands.AsFailure(ex) };
            await committer.RunAsync(s => commands.ApplyOutcomeAsync(s, failed), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static StepResult ResumeResult(JsonObject? payload)
    {
        if (payload?["error"] is JsonObject error)
            return new StepResult.Failed(error["code"]?.GetValue<string>() ?? ErrorCodes.WorkflowExecutionError,
                error["message"]?.GetValue<string>() ?? "The step failed.", error["details"]?.DeepClone(), Retryable: false);
        return new StepResult.Completed(payload?["output"]?.DeepClone());
    }

    /// <summary>Work leased in a commit may have waited in the local queue, where nothing renews its lease: past
    /// half the lease it is renewed first, and dropped if the lease was lost (another claim runs it now).</summary>
    private async Task<bool> StillLeasedAsync(WorkItem item)
    {
        if (item.LeaseExpiresAt is not { } expires || expires - time.GetUtcNow() > options.LeaseDuration / 2)
            return true;
        return await HeartbeatAsync(item).ConfigureAwait(false);
    }

    /// <summary>Extends the lease; false when it was lost (taken over or the execution ended).</summary>
    private Task<bool> HeartbeatAsync(WorkItem item) =>
        committer.RunAsync(s => s.Tx.ExtendLeaseAsync(item.Id, item.Fence, time.GetUtcNow() + options.LeaseDuration));
}
