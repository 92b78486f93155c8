using System.Collections.Concurrent;
using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>A poison item (one whose run or commit throws every time) is contained to its execution: the item is
/// tried again after a short backoff, and after <see cref="ExecutionLimits.MaxCommitFailures"/> failures in a row
/// the execution fails with <c>internal_error</c>, which frees its slot and stops its work.</summary>
internal sealed partial class Worker
{
    private readonly CommitFailures _failures = new();

    private async Task ContainAsync(WorkItem item, Exception ex)
    {
        // Stopping: the committer refuses new work, and the item comes back with its lease. A schedule's firing
        // belongs to no execution. (A store that cannot write at all is no execution's fault either: the caller
        // handles StorageUnavailableException before this.)
        if (_claiming.IsCancellationRequested || item.Kind == WorkItemKind.Fire)
        {
            logger.LogError(ex, "Work item {ItemId} ({Kind}) of {ExecutionId} step {StepId} failed", item.Id, item.Kind, item.ExecutionId, item.StepId);
            return;
        }
        var failures = _failures.Failed(item.ExecutionId);
        var limit = Math.Max(1, options.Limits.MaxCommitFailures);
        logger.LogError(ex, "Work item {ItemId} ({Kind}) of execution {ExecutionId} step {StepId} failed to run or commit ({Failures} of {Limit})",
            item.Id, item.Kind, item.ExecutionId, item.StepId, failures, limit);
        try
        {
            if (failures < limit)
                await RetryLaterAsync(item, failures).ConfigureAwait(false);
            else if (await committer.RunAsync(s => commands.FailWithInternalErrorAsync(s, item, failures, ex), CancellationToken.None).ConfigureAwait(false))
            {
                logger.LogError("Execution {ExecutionId} failed with internal_error after {Failures} failures of its work; cause: {Cause}",
                    item.ExecutionId, failures, $"{ex.GetType().Name}: {ex.Message}");
                _failures.Succeeded(item.ExecutionId);
                CancelExecution(item.ExecutionId);
            }
        }
        catch (Exception containing)
        {
            // Nothing more to do here: the item comes back when its lease expires, and the count is still there.
            logger.LogCritical(containing, "Could not contain the failure of execution {ExecutionId}; its item comes back when its lease expires", item.ExecutionId);
        }
    }

    /// <summary>Hands the item back after a backoff (1 s, 2 s, 4 s ..., at most the lease) instead of the whole lease.</summary>
    private async Task RetryLaterAsync(WorkItem item, int failures)
    {
        var backoff = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(failures - 1, 16)));
        var due = time.GetUtcNow() + (backoff < options.LeaseDuration ? backoff : options.LeaseDuration);
        if (await committer.RunAsync(s => s.Tx.ExtendLeaseAsync(item.Id, item.Fence, due), CancellationToken.None).ConfigureAwait(false))
            NotifyStoreWork(due);
    }

    /// <summary>Failures in a row per execution, in this process's memory: a restart forgets them (the item then
    /// gets <see cref="ExecutionLimits.MaxCommitFailures"/> more tries), and on a shared store each node counts
    /// its own. Persisting the count would take a write in the very path that is failing.</summary>
    private sealed class CommitFailures
    {
        // Executions that failed once and then ended some other way leave their count behind; past this many
        // entries the counts start over rather than grow without end.
        private const int MaxTracked = 10_000;
        private readonly ConcurrentDictionary<Guid, int> _counts = new();

        public int Failed(Guid executionId)
        {
            if (_counts.Count >= MaxTracked)
                _counts.Clear();
            return _counts.AddOrUpdate(executionId, 1, (_, n) => n + 1);
        }

        public void Succeeded(Guid executionId)
        {
            if (!_counts.IsEmpty)
                _counts.TryRemove(executionId, out _);
        }
    }
}
