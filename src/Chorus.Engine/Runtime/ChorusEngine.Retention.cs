using Chorus.Engine.Storage;
using Chorus.Engine.Telemetry;

namespace Chorus.Engine.Runtime;

public sealed partial class ChorusEngine
{
    /// <summary>The tenants that have finished top-level executions.</summary>
    public Task<IReadOnlyList<TenantId>> GetTenantsWithHistoryAsync(CancellationToken ct = default) =>
        _committer.RunAsync(s => s.Tx.GetTenantsWithHistoryAsync(), ct);

    /// <summary>Deletes one batch of the tenant's executions that finished before <paramref name="finishedBefore"/>
    /// (<see cref="IEngineTransaction.PruneExecutionsAsync"/>), in one of the engine's own transactions, and gives
    /// the freed space back to the file system where the store can. Returns how many executions went.</summary>
    public Task<int> PruneHistoryBatchAsync(TenantId tenant, DateTimeOffset finishedBefore, CancellationToken ct = default) =>
        _committer.RunAsync(async s =>
        {
            var deleted = await s.Tx.PruneExecutionsAsync(tenant, finishedBefore, _options.Retention.BatchSize).ConfigureAwait(false);
            s.AfterCommit.Add(() => EngineMetrics.Retained("executions", deleted));
            if (deleted > 0)
                await s.Tx.CompactAsync(_options.Retention.VacuumPagesPerBatch).ConfigureAwait(false);
            return deleted;
        }, ct);

    /// <summary>Deletes one batch of events written before <paramref name="before"/>; returns how many.</summary>
    public Task<int> PruneEventsBatchAsync(DateTimeOffset before, CancellationToken ct = default) =>
        _committer.RunAsync(async s =>
        {
            var deleted = await s.Tx.PruneEventsAsync(before, _options.Retention.BatchSize).ConfigureAwait(false);
            s.AfterCommit.Add(() => EngineMetrics.Retained("events", deleted));
            if (deleted > 0)
                await s.Tx.CompactAsync(_options.Retention.VacuumPagesPerBatch).ConfigureAwait(false);
            return deleted;
        }, ct);

    /// <summary>Deletes the workflow's finished executions (its history) with everything they own, batch after
    /// batch; executions still going are left to finish. Returns how many executions went.</summary>
    public async Task<int> DeleteWorkflowHistoryAsync(TenantId tenant, Guid workflowId, CancellationToken ct = default)
    {
        var total = 0;
        while (true)
        {
            var deleted = await _committer.RunAsync(async s =>
            {
                var n = await s.Tx.DeleteWorkflowHistoryAsync(tenant, workflowId, _options.Retention.BatchSize).ConfigureAwait(false);
                if (n > 0)
                    await s.Tx.CompactAsync(_options.Retention.VacuumPagesPerBatch).ConfigureAwait(false);
                return n;
            }, ct).ConfigureAwait(false);
            if (deleted == 0)
                return total;
            total += deleted;
        }
    }
}
