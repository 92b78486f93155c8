using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Migrations: executions under way moved onto another version of their workflow, in batches, and back.</summary>
public sealed partial class ChorusEngine
{
    /// <summary>How many executions one transaction of a migration moves.</summary>
    public const int MigrationBatchSize = 50;

    /// <summary>The dry run: what <see cref="MigrateAsync"/> would do to each execution, changing nothing.</summary>
    public async Task<IReadOnlyList<MigrationPlan>> PlanMigrationAsync(TenantId tenant, Guid workflowId, int toVersion, IReadOnlyList<Guid> executionIds,
        IReadOnlyDictionary<string, string> mapping, CancellationToken ct = default)
    {
        var target = await MigrationTargetAsync(tenant, workflowId, toVersion, mapping, ct).ConfigureAwait(false);
        var plans = new List<MigrationPlan>();
        foreach (var id in executionIds)
        {
            var e = await _reader.GetExecutionAsync(tenant, id, ct).ConfigureAwait(false);
            if (e is null || e.WorkflowId != workflowId)
            {
                plans.Add(new MigrationPlan
                {
                    ExecutionId = id, FromVersion = e?.WorkflowVersion ?? 0, ToVersion = toVersion, Movable = false,
                    Reason = e is null ? MigrationReasons.NotFound : MigrationReasons.OtherWorkflow,
                    Message = e is null ? $"Execution {id} does not exist." : $"Execution {id} runs another workflow.",
                });
                continue;
            }
            var from = await _graphs.GetAsync(tenant, workflowId, e.WorkflowVersion,
                () => _workflows.GetVersionAsync(tenant, workflowId, e.WorkflowVersion, ct)).ConfigureAwait(false);
            plans.Add(MigrationPlanner.Plan(e, from, target, toVersion, mapping));
        }
        return plans;
    }

    /// <summary>Moves the executions onto <paramref name="toVersion"/>, <see cref="MigrationBatchSize"/> per transaction,
    /// and records the migration so it can be listed and rolled back. Each execution is planned again as it moves; one
    /// with a step attempt in flight is marked and moves when that attempt commits.</summary>
    public async Task<MigrationOutcome> MigrateAsync(TenantId tenant, Guid workflowId, int toVersion, IReadOnlyList<Guid> executionIds,
        IReadOnlyDictionary<string, string> mapping, string? createdBy, CancellationToken ct = default)
    {
        await MigrationTargetAsync(tenant, workflowId, toVersion, mapping, ct).ConfigureAwait(false);
        var migration = new MigrationRecord
        {
            Tenant = tenant, Id = Guid.CreateVersion7(_time.GetUtcNow()), WorkflowId = workflowId, ToVersion = toVersion,
            Mapping = new Dictionary<string, string>(mapping, StringComparer.Ordinal), CreatedBy = createdBy, CreatedAt = _time.GetUtcNow(),
        };
        await _committer.RunAsync(async s => { await s.Tx.InsertMigrationAsync(migration).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
        var results = new List<MigrationResult>();
        foreach (var batch in executionIds.Distinct().Chunk(MigrationBatchSize))
            results.AddRange(await _committer.RunAsync(s => _commands.MigrateBatchAsync(s, migration, batch), ct).ConfigureAwait(false));
        return new MigrationOutcome { MigrationId = migration.Id, Results = results };
    }

    /// <summary>Moves the executions the migration moved back to the versions they left, those on which nothing ran
    /// since; the others stay and say why. The migration is marked rolled back, so executions still waiting for a
    /// step in flight to move it no longer do.</summary>
    public async Task<MigrationOutcome> RollbackMigrationAsync(TenantId tenant, Guid workflowId, Guid migrationId, CancellationToken ct = default)
    {
        var (migration, moves) = await GetMigrationAsync(tenant, workflowId, migrationId, ct).ConfigureAwait(false);
        if (migration.RolledBackAt is not null)
            throw new ChorusException(ErrorCodes.Conflict, $"Migration {migrationId} was rolled back already.",
                new JsonObject { ["rolled_back_at"] = migration.RolledBackAt.Value.ToString("O") });
        await _committer.RunAsync(async s =>
        {
            await s.Tx.MarkMigrationRolledBackAsync(tenant, migrationId, _time.GetUtcNow()).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
        var results = new List<MigrationResult>();
        foreach (var batch in moves.Where(m => m.RolledBackAt is null).Chunk(MigrationBatchSize))
            results.AddRange(await _committer.RunAsync(s => _commands.RollbackBatchAsync(s, migration, batch), ct).ConfigureAwait(false));
        return new MigrationOutcome { MigrationId = migrationId, Results = results };
    }

    /// <summary>The migration with the executions it moved; migration_not_found for another workflow's or tenant's.</summary>
    public async Task<(MigrationRecord Migration, IReadOnlyList<MigrationMove> Moves)> GetMigrationAsync(TenantId tenant, Guid workflowId, Guid migrationId,
        CancellationToken ct = default)
    {
        var found = await _committer.RunAsync(async s =>
        {
            var m = await s.Tx.GetMigrationAsync(tenant, migrationId).ConfigureAwait(false);
            return m is null || m.WorkflowId != workflowId ? null
                : new { Migration = m, Moves = await s.Tx.GetMigrationMovesAsync(tenant, migrationId).ConfigureAwait(false) };
        }, ct).ConfigureAwait(false);
        return found is null
            ? throw new ChorusException(ErrorCodes.NotFound, $"Workflow {workflowId} has no migration {migrationId}.")
            : (found.Migration, found.Moves);
    }

    /// <summary>The workflow's migrations, newest first.</summary>
    public Task<IReadOnlyList<MigrationRecord>> ListMigrationsAsync(TenantId tenant, Guid workflowId, int max, CancellationToken ct = default) =>
        _committer.RunAsync(s => s.Tx.ListMigrationsAsync(tenant, workflowId, max), ct);

    /// <summary>The target version's graph, checked: the workflow and version exist, and the mapping names steps it has.</summary>
    private async Task<Definitions.WorkflowGraph> MigrationTargetAsync(TenantId tenant, Guid workflowId, int toVersion,
        IReadOnlyDictionary<string, string> mapping, CancellationToken ct)
    {
        _ = await _workflows.GetWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {workflowId} does not exist.");
        var version = await _workflows.GetVersionAsync(tenant, workflowId, toVersion, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.InvalidInput, $"Workflow {workflowId} has no version {toVersion}.",
                new JsonObject { ["field"] = "to_version" });
        var graph = await _graphs.GetAsync(tenant, workflowId, toVersion, () => Task.FromResult<WorkflowVersionRecord?>(version)).ConfigureAwait(false);
        foreach (var (from, to) in mapping)
            if (!graph.Contains(to))
                throw new ChorusException(ErrorCodes.InvalidInput, $"The mapping moves '{from}' onto '{to}', which version {toVersion} does not have.",
                    new JsonObject { ["field"] = $"mapping.{from}" });
        return graph;
    }
}
