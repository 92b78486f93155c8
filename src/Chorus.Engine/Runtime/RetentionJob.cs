using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>What one round of pruning removed.</summary>
public readonly record struct PruneTotals(int Executions, int Events);

/// <summary>One round of pruning: each tenant's history past its limit, then the outbox of events past
/// <see cref="RetentionOptions.Events"/>. Batch by batch, each in one of the engine's transactions with a pause
/// after it, so the engine's own commits are never held up by more than one batch.</summary>
public sealed class RetentionJob(ChorusEngine engine, IRetentionPolicy policy, TimeProvider time, ILogger<RetentionJob> logger)
{
    private RetentionOptions Options => engine.Options.Retention;

    /// <summary>Whether there is anything for the job to do at all.</summary>
    public bool Enabled => policy.LimitsHistory || Options.Events is not null;

    public async Task<PruneTotals> RunOnceAsync(CancellationToken ct)
    {
        var executions = 0;
        if (policy.LimitsHistory)
        {
            foreach (var tenant in await engine.GetTenantsWithHistoryAsync(ct).ConfigureAwait(false))
            {
                if (await policy.HistoryLimitAsync(tenant, ct).ConfigureAwait(false) is not { } limit)
                    continue;
                var before = time.GetUtcNow() - limit;
                var ofTenant = await InBatchesAsync(() => engine.PruneHistoryBatchAsync(tenant, before, ct), ct).ConfigureAwait(false);
                if (ofTenant > 0)
                    logger.LogInformation("Retention: deleted {Count} executions of tenant {Tenant} that ended before {Before:O}", ofTenant, tenant, before);
                executions += ofTenant;
            }
        }
        var events = 0;
        if (Options.Events is { } keepEvents)
            events = await InBatchesAsync(() => engine.PruneEventsBatchAsync(time.GetUtcNow() - keepEvents, ct), ct).ConfigureAwait(false);
        return new PruneTotals(executions, events);
    }

    /// <summary>How much longer than a batch took the job pauses after it: pruning holds the store's writer at
    /// most a fifth of the time, so the engine's own commits keep at least four fifths of it.</summary>
    private const int PauseFactor = 4;

    /// <summary>Runs batches until one deletes nothing (or fewer than a full batch of events), pausing after each
    /// for <see cref="RetentionOptions.PauseBetweenBatches"/> or <see cref="PauseFactor"/> times the batch's
    /// duration, whichever is longer.</summary>
    private async Task<int> InBatchesAsync(Func<Task<int>> batch, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var started = time.GetTimestamp();
            var deleted = await batch().ConfigureAwait(false);
            var took = time.GetElapsedTime(started);
            total += deleted;
            if (deleted == 0)
                return total;
            var pause = took * PauseFactor > Options.PauseBetweenBatches ? took * PauseFactor : Options.PauseBetweenBatches;
            await Task.Delay(pause, time, ct).ConfigureAwait(false);
        }
    }
}
