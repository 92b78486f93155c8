using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Moving executions under way onto another version of their workflow, and back.</summary>
internal sealed partial class ExecutionCommands
{
    public const string Moved = "moved";
    public const string PendingMove = "pending";
    public const string Skipped = "skipped";

    /// <summary>Moves one batch of executions in this operation's transaction: each is planned again against what
    /// the transaction reads, so one that changed since the dry run moves only if it still can.</summary>
    public async Task<List<MigrationResult>> MigrateBatchAsync(CommitScope s, MigrationRecord migration, IReadOnlyList<Guid> ids)
    {
        var results = new List<MigrationResult>();
        foreach (var id in ids)
            results.Add(await MigrateOneAsync(s, migration, id).ConfigureAwait(false));
        return results;
    }

    private async Task<MigrationResult> MigrateOneAsync(CommitScope s, MigrationRecord migration, Guid id)
    {
        var e = await s.GetExecutionAsync(migration.Tenant, id).ConfigureAwait(false);
        if (e is null)
            return new MigrationResult(id, Skipped, MigrationReasons.NotFound, $"Execution {id} does not exist.");
        if (e.WorkflowId != migration.WorkflowId)
            return new MigrationResult(id, Skipped, MigrationReasons.OtherWorkflow, $"Execution {id} runs another workflow.");
        var plan = MigrationPlanner.Plan(e, await GraphOf(s, e).ConfigureAwait(false), await VersionGraph(s, e, migration.ToVersion).ConfigureAwait(false),
            migration.ToVersion, migration.Mapping);
        if (!plan.Movable)
            return new MigrationResult(id, Skipped, plan.Reason, plan.Message);
        // A step attempt in flight decided its result on the old version: the move waits for its commit, which
        // applies it (ApplyOutcomeAsync), so no result is ever taken by a step it was not run for.
        if (await s.Tx.CountLeasedWorkItemsAsync(e.Tenant, e.Id).ConfigureAwait(false) > 0)
        {
            e.State.PendingMigration = new PendingMigration
            {
                MigrationId = migration.Id, ToVersion = migration.ToVersion, Mapping = new(migration.Mapping, StringComparer.Ordinal),
            };
            await s.UpdateExecutionAsync(e).ConfigureAwait(false);
            return new MigrationResult(id, PendingMove, MigrationReasons.InFlight, "A step attempt is running: the execution moves when it commits.");
        }
        await MoveAsync(s, e, plan, migration.Id, rollback: false).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        return new MigrationResult(id, Moved);
    }

    /// <summary>Applies the migration an execution waited for, once no attempt of it is in flight any more (the
    /// caller's item is completed already). Returns the graph the execution runs afterwards. A migration rolled back
    /// meanwhile, or one the execution can no longer take, is dropped with a log line.</summary>
    private async Task<WorkflowGraph> ApplyPendingMigrationAsync(CommitScope s, ExecutionRecord e, WorkflowGraph graph)
    {
        if (e.State.PendingMigration is not { } pending || await s.Tx.CountLeasedWorkItemsAsync(e.Tenant, e.Id).ConfigureAwait(false) > 0)
            return graph;
        e.State.PendingMigration = null;
        var migration = await s.Tx.GetMigrationAsync(e.Tenant, pending.MigrationId).ConfigureAwait(false);
        if (migration is null || migration.RolledBackAt is not null)
        {
            await Log(s, e, null, "info", $"Migration {pending.MigrationId} was rolled back before this execution could move; it stays on version {e.WorkflowVersion}").ConfigureAwait(false);
            return graph;
        }
        var target = await VersionGraph(s, e, pending.ToVersion).ConfigureAwait(false);
        var plan = MigrationPlanner.Plan(e, graph, target, pending.ToVersion, pending.Mapping);
        if (!plan.Movable)
        {
            await Log(s, e, null, "warning", $"Migration {pending.MigrationId} did not move this execution: {plan.Message}").ConfigureAwait(false);
            return graph;
        }
        await MoveAsync(s, e, plan, pending.MigrationId, rollback: false).ConfigureAwait(false);
        return target;
    }

    /// <summary>Moves the executions of one batch of the migration's moves back to the versions they left, each only if
    /// nothing ran on the new version since (its steps stand where the move left them) and no attempt is in flight.</summary>
    public async Task<List<MigrationResult>> RollbackBatchAsync(CommitScope s, MigrationRecord migration, IReadOnlyList<MigrationMove> moves)
    {
        var results = new List<MigrationResult>();
        var now = time.GetUtcNow();
        foreach (var move in moves)
        {
            var e = await s.GetExecutionAsync(migration.Tenant, move.ExecutionId).ConfigureAwait(false);
            MigrationResult? refused = e switch
            {
                null => new(move.ExecutionId, Skipped, MigrationReasons.NotFound, "The execution no longer exists."),
                { IsTerminal: true } => new(move.ExecutionId, Skipped, MigrationReasons.Ended, $"The execution is {e.Status.ToWire()}."),
                _ when e.WorkflowVersion != migration.ToVersion => new(move.ExecutionId, Skipped, MigrationReasons.Changed,
                    $"The execution runs version {e.WorkflowVersion} now, not {migration.ToVersion}."),
                _ when MigrationPlanner.Progress(e.State) != move.Progress => new(move.ExecutionId, Skipped, MigrationReasons.RanSinceMove,
                    "A step ran on the new version since the move."),
                _ when await s.Tx.CountLeasedWorkItemsAsync(e.Tenant, e.Id).ConfigureAwait(false) > 0 => new(move.ExecutionId, Skipped,
                    MigrationReasons.InFlight, "A step attempt is running on the new version."),
                _ => null,
            };
            if (refused is not null)
            {
                results.Add(refused);
                continue;
            }
            var back = move.Renamed.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
            var plan = MigrationPlanner.Plan(e!, await GraphOf(s, e!).ConfigureAwait(false), await VersionGraph(s, e!, move.FromVersion).ConfigureAwait(false),
                move.FromVersion, back);
            if (!plan.Movable)
            {
                results.Add(new MigrationResult(move.ExecutionId, Skipped, plan.Reason, plan.Message));
                continue;
            }
            await MoveAsync(s, e!, plan, migration.Id, rollback: true).ConfigureAwait(false);
            await s.Tx.MarkMoveRolledBackAsync(migration.Tenant, migration.Id, move.ExecutionId, now).ConfigureAwait(false);
            await s.UpdateExecutionAsync(e!).ConfigureAwait(false);
            results.Add(new MigrationResult(move.ExecutionId, Moved));
        }
        return results;
    }

    /// <summary>Renames the steps the plan maps onto other ids (in the state and in the work items), pins the target
    /// version, and records the move: a move row (not for a rollback), a log line and an event. The caller writes
    /// the execution.</summary>
    private async Task MoveAsync(CommitScope s, ExecutionRecord e, MigrationPlan plan, Guid? migrationId, bool rollback)
    {
        var now = time.GetUtcNow();
        var renamed = plan.Mapping.Where(m => m.FromStep != m.ToStep).ToList();
        // Two passes, through names no step has, so that steps swapping ids do not overwrite each other.
        var states = renamed.Select(m => e.State.Steps[m.FromStep]).ToList();
        foreach (var m in renamed)
        {
            e.State.Steps.Remove(m.FromStep);
            await s.Tx.RenameWorkItemStepAsync(e.Tenant, e.Id, m.FromStep, Parked(m.ToStep)).ConfigureAwait(false);
        }
        for (var i = 0; i < renamed.Count; i++)
        {
            e.State.Steps[renamed[i].ToStep] = states[i];
            await s.Tx.RenameWorkItemStepAsync(e.Tenant, e.Id, Parked(renamed[i].ToStep), renamed[i].ToStep).ConfigureAwait(false);
        }
        var renames = renamed.ToDictionary(m => m.FromStep, m => m.ToStep, StringComparer.Ordinal);
        RenameArrivals(e.State, renames);
        if (e.CurrentStep is { } current && renames.TryGetValue(current, out var currentNow))
            e.CurrentStep = currentNow;
        var from = e.WorkflowVersion;
        e.MoveToVersion(plan.ToVersion);
        await s.Tx.SetExecutionVersionAsync(e.Tenant, e.Id, plan.ToVersion).ConfigureAwait(false);
        if (!rollback && migrationId is { } recorded)
            await s.Tx.InsertMigrationMoveAsync(new MigrationMove
            {
                Tenant = e.Tenant, MigrationId = recorded, ExecutionId = e.Id, FromVersion = from, Renamed = renames,
                Progress = MigrationPlanner.Progress(e.State), MovedAt = now,
            }).ConfigureAwait(false);
        var message = (rollback, migrationId) switch
        {
            (true, _) => $"Execution moved back from version {from} to version {plan.ToVersion} (rollback of migration {migrationId})",
            (false, null) => $"Execution migrated from version {from} to version {plan.ToVersion} (retry on the latest version)",
            _ => $"Execution migrated from version {from} to version {plan.ToVersion} (migration {migrationId})",
        };
        if (renamed.Count > 0)
            message += "; steps renamed: " + string.Join(", ", renamed.Select(m => $"{m.FromStep} -> {m.ToStep}"));
        await Log(s, e, null, "info", message).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionMigrated(e, now, migrationId, from,
            plan.Mapping.Select(m => (m.FromStep, m.ToStep)).ToList(), rollback)).ConfigureAwait(false);
    }

    /// <summary>Retries a failed execution from its failed steps on the workflow's current version: the failed steps
    /// map onto it by the migration's rules (same id, or <paramref name="mapping"/>), and a plan that cannot move is a
    /// conflict naming its reason. On the version it runs already, this is a plain retry.</summary>
    public async Task<ExecutionRecord> RetryOnLatestAsync(CommitScope s, TenantId tenant, Guid id, IReadOnlyDictionary<string, string> mapping)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.Status != ExecutionStatus.Failed)
            throw Conflict(e, "retry");
        var workflow = await s.Tx.GetWorkflowAsync(tenant, e.WorkflowId).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {e.WorkflowId} no longer exists.");
        if (workflow.CurrentVersion != e.WorkflowVersion)
        {
            var plan = MigrationPlanner.Plan(e, await GraphOf(s, e).ConfigureAwait(false),
                await VersionGraph(s, e, workflow.CurrentVersion).ConfigureAwait(false), workflow.CurrentVersion, mapping, retrying: true);
            if (!plan.Movable)
                throw new ChorusException(ErrorCodes.Conflict, $"Cannot retry on version {workflow.CurrentVersion}: {plan.Message}",
                    new System.Text.Json.Nodes.JsonObject { ["reason"] = plan.Reason, ["status"] = e.Status.ToWire() });
            await MoveAsync(s, e, plan, migrationId: null, rollback: false).ConfigureAwait(false);
        }
        return await RetryAsync(s, tenant, id).ConfigureAwait(false);
    }

    private static string Parked(string stepId) => "\u0001migrating\u0001" + stepId;

    /// <summary>A join's record of which predecessors arrived names steps by id: renamed steps are renamed there too.</summary>
    private static void RenameArrivals(ExecutionState state, IReadOnlyDictionary<string, string> renames)
    {
        if (renames.Count == 0 || state.Arrivals.Count == 0)
            return;
        string Name(string id) => renames.GetValueOrDefault(id) ?? id;
        state.Arrivals = state.Arrivals.ToDictionary(
            p => Name(p.Key),
            p => p.Value.ToDictionary(a => Name(a.Key), a => a.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private Task<WorkflowGraph> VersionGraph(CommitScope s, ExecutionRecord e, int version) =>
        graphs.GetAsync(e.Tenant, e.WorkflowId, version, () => s.Tx.GetVersionAsync(e.Tenant, e.WorkflowId, version));
}
