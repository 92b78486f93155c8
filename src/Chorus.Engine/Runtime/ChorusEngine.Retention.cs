using System.Text.Json.Nodes;
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

    /// <summary>Deletes one finished top-level execution with everything it owns (step runs, logs, events) and its
    /// subflows' executions. One still going, or with a subflow still going, is a conflict; a subflow's execution goes
    /// only with its parent.</summary>
    public Task DeleteExecutionAsync(TenantId tenant, Guid id, CancellationToken ct = default) =>
        _committer.RunAsync(async s =>
        {
            var execution = await s.Tx.GetExecutionAsync(tenant, id).ConfigureAwait(false)
                ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");
            if (!execution.IsTerminal)
                throw new ChorusException(ErrorCodes.Conflict,
                    $"Execution {id} is {execution.Status.ToString().ToLowerInvariant()}; only an ended execution is deleted (cancel it first).",
                    new JsonObject { ["status"] = execution.Status.ToString().ToLowerInvariant() });
            if (execution.ParentExecutionId is { } parent)
                throw new ChorusException(ErrorCodes.Conflict, $"Execution {id} is a subflow of execution {parent}; it goes with its parent.",
                    new JsonObject { ["parent_execution_id"] = parent.ToString() });
            if (await s.Tx.DeleteExecutionFamilyAsync(tenant, id).ConfigureAwait(false) == 0)
                throw new ChorusException(ErrorCodes.Conflict, $"A subflow of execution {id} is still going; it is deleted once all have ended.");
            return true;
        }, ct);
}
