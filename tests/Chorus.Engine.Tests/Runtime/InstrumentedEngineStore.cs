using System.Collections.Concurrent;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>The real store, watched and with one fault injected: every step run saved for an execution of the
/// poisoned workflow throws, so each commit of that execution's step results fails while every other write goes
/// through; and it records the most executions any one transaction cancelled, and every execution the engine read
/// or claimed work of.</summary>
internal sealed class InstrumentedEngineStore(IEngineStore inner, Func<Guid?>? poisonedWorkflow = null, Func<Guid, bool>? failMoveOf = null) : IEngineStore
{
    private readonly ConcurrentDictionary<Guid, bool> _poisoned = new();
    private int _faults;
    private int _mostCancelled;

    /// <summary>The most executions one committed transaction wrote as cancelled.</summary>
    public int MostCancelledInOneTransaction => Volatile.Read(ref _mostCancelled);

    /// <summary>Every execution the engine read for change, or claimed a work item of, through this store.</summary>
    public ConcurrentDictionary<Guid, bool> ExecutionsRead { get; } = new();

    /// <summary>How many writes the fault refused.</summary>
    public int Faults => Volatile.Read(ref _faults);

    public StoreCapabilities Capabilities => inner.Capabilities;

    public Task ListenForWorkAsync(Action<DateTimeOffset> onWork, CancellationToken ct) => inner.ListenForWorkAsync(onWork, ct);

    public Task ListenForEventsAsync(Action<EventRecord> onEvent, Func<bool> wanted, CancellationToken ct) =>
        inner.ListenForEventsAsync(onEvent, wanted, ct);

    public async Task<IEngineTransaction> BeginAsync(CancellationToken ct) => new Transaction(await inner.BeginAsync(ct), this);

    private bool FailsMove(Guid executionId) => failMoveOf?.Invoke(executionId) == true;

    private void Poison(ExecutionRecord execution)
    {
        if (poisonedWorkflow is not null && execution.WorkflowId == poisonedWorkflow())
            _poisoned[execution.Id] = true;
    }

    private void ThrowIfPoisoned(Guid executionId)
    {
        if (!_poisoned.ContainsKey(executionId))
            return;
        Interlocked.Increment(ref _faults);
        throw new InvalidOperationException($"Injected fault: writes of execution {executionId} fail.");
    }

    private void Committed(int cancelled)
    {
        int seen;
        while ((seen = Volatile.Read(ref _mostCancelled)) < cancelled && Interlocked.CompareExchange(ref _mostCancelled, cancelled, seen) != seen)
        {
        }
    }

    private sealed class Transaction(IEngineTransaction tx, InstrumentedEngineStore store) : IEngineTransaction
    {
        private readonly HashSet<Guid> _cancelled = [];

        public Task AnnounceWorkAsync(DateTimeOffset due) => tx.AnnounceWorkAsync(due);
        /// <summary>Fails when <c>failMoveOf</c> says so: a migration that crashes in the middle of its batch.</summary>
        public Task SetExecutionVersionAsync(TenantId tenant, Guid executionId, int version) => store.FailsMove(executionId)
            ? throw new InvalidOperationException($"Injected fault: the move of execution {executionId} fails.")
            : tx.SetExecutionVersionAsync(tenant, executionId, version);
        public Task<int> CountLeasedWorkItemsAsync(TenantId tenant, Guid executionId) => tx.CountLeasedWorkItemsAsync(tenant, executionId);
        public Task RenameWorkItemStepAsync(TenantId tenant, Guid executionId, string from, string to) => tx.RenameWorkItemStepAsync(tenant, executionId, from, to);
        public Task InsertMigrationAsync(MigrationRecord migration) => tx.InsertMigrationAsync(migration);
        public Task<MigrationRecord?> GetMigrationAsync(TenantId tenant, Guid id) => tx.GetMigrationAsync(tenant, id);
        public Task<IReadOnlyList<MigrationRecord>> ListMigrationsAsync(TenantId tenant, Guid workflowId, int max) => tx.ListMigrationsAsync(tenant, workflowId, max);
        public Task MarkMigrationRolledBackAsync(TenantId tenant, Guid id, DateTimeOffset at) => tx.MarkMigrationRolledBackAsync(tenant, id, at);
        public Task InsertMigrationMoveAsync(MigrationMove move) => tx.InsertMigrationMoveAsync(move);
        public Task<IReadOnlyList<MigrationMove>> GetMigrationMovesAsync(TenantId tenant, Guid migrationId) => tx.GetMigrationMovesAsync(tenant, migrationId);
        public Task MarkMoveRolledBackAsync(TenantId tenant, Guid migrationId, Guid executionId, DateTimeOffset at) =>
            tx.MarkMoveRolledBackAsync(tenant, migrationId, executionId, at);
        public Task AnnounceEventsAsync(IReadOnlyList<long> ids) => tx.AnnounceEventsAsync(ids);
        public Task SavepointAsync(string name) => tx.SavepointAsync(name);
        public Task RollbackToSavepointAsync(string name) => tx.RollbackToSavepointAsync(name);
        public Task ReleaseSavepointAsync(string name) => tx.ReleaseSavepointAsync(name);
        public async Task CommitAsync()
        {
            await tx.CommitAsync();
            store.Committed(_cancelled.Count);
        }

        public ValueTask DisposeAsync() => tx.DisposeAsync();
        public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id) => Read(await tx.GetExecutionAsync(tenant, id));

        private ExecutionRecord? Read(ExecutionRecord? execution)
        {
            if (execution is not null)
                store.ExecutionsRead[execution.Id] = true;
            return execution;
        }

        public Task InsertExecutionAsync(ExecutionRecord execution)
        {
            store.Poison(execution);
            return tx.InsertExecutionAsync(execution);
        }

        public Task UpdateExecutionAsync(ExecutionRecord execution)
        {
            if (execution.Status == ExecutionStatus.Cancelled)
                _cancelled.Add(execution.Id);
            return tx.UpdateExecutionAsync(execution);
        }

        public Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant) => tx.CountSlotHoldersAsync(tenant);
        public async Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(TenantSlotCaps caps) => Read(await tx.GetOldestAdmissiblePendingAsync(caps));
        public Task SetSearchAttributesAsync(TenantId tenant, Guid executionId, IReadOnlyDictionary<string, string> values) => tx.SetSearchAttributesAsync(tenant, executionId, values);
        public Task<int> CountWorkflowSlotHoldersAsync(TenantId tenant, Guid workflowId) => tx.CountWorkflowSlotHoldersAsync(tenant, workflowId);
        public async Task<ExecutionRecord?> GetOldestAwaitingWorkflowSlotAsync(TenantId tenant, Guid workflowId) => Read(await tx.GetOldestAwaitingWorkflowSlotAsync(tenant, workflowId));
        public Task<IReadOnlyList<(TenantId Tenant, Guid WorkflowId)>> GetWorkflowsAwaitingSlotsAsync(int max) => tx.GetWorkflowsAwaitingSlotsAsync(max);
        public Task<IdempotencyRecord?> GetIdempotencyKeyAsync(TenantId tenant, string key, DateTimeOffset notBefore) => tx.GetIdempotencyKeyAsync(tenant, key, notBefore);
        public Task<bool> TryInsertIdempotencyKeyAsync(IdempotencyRecord record, DateTimeOffset notBefore) => tx.TryInsertIdempotencyKeyAsync(record, notBefore);
        public Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before) => tx.PruneIdempotencyKeysAsync(before);
        public Task ProbeWriteAsync(DateTimeOffset now) => tx.ProbeWriteAsync(now);
        public Task<IReadOnlyList<TenantId>> GetTenantsWithHistoryAsync() => tx.GetTenantsWithHistoryAsync();
        public Task<int> PruneExecutionsAsync(TenantId tenant, DateTimeOffset finishedBefore, int max) => tx.PruneExecutionsAsync(tenant, finishedBefore, max);
        public Task<int> DeleteWorkflowHistoryAsync(TenantId tenant, Guid workflowId, int max) => tx.DeleteWorkflowHistoryAsync(tenant, workflowId, max);
        public Task<int> DeleteExecutionFamilyAsync(TenantId tenant, Guid rootId) => tx.DeleteExecutionFamilyAsync(tenant, rootId);
        public Task<int> PruneEventsAsync(DateTimeOffset before, int max) => tx.PruneEventsAsync(before, max);
        public Task CompactAsync(int pages) => tx.CompactAsync(pages);
        public Task<IReadOnlyList<Guid>> GetActiveChildrenAsync(TenantId tenant, Guid parentId) => tx.GetActiveChildrenAsync(tenant, parentId);
        public Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id) => tx.GetWorkflowAsync(tenant, id);
        public Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number) => tx.GetVersionAsync(tenant, workflowId, number);
        public Task<long> InsertWorkItemAsync(WorkItem item) => tx.InsertWorkItemAsync(item);
        public Task<bool> CompleteWorkItemAsync(long id, long fence) => tx.CompleteWorkItemAsync(id, fence);
        public async Task<ExecutionRecord?> CompleteWorkItemAndGetExecutionAsync(WorkItem item) => Read(await tx.CompleteWorkItemAndGetExecutionAsync(item));
        public Task DeleteWorkItemsAsync(TenantId tenant, Guid executionId) => tx.DeleteWorkItemsAsync(tenant, executionId);
        public Task SetSuspendedAsync(TenantId tenant, Guid executionId, bool suspended) => tx.SetSuspendedAsync(tenant, executionId, suspended);
        public Task<bool> ReleaseHeldAsync(TenantId tenant, Guid executionId) => tx.ReleaseHeldAsync(tenant, executionId);
        public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease)
        {
            var items = await tx.ClaimAsync(owner, max, now, lease);
            foreach (var item in items)
                store.ExecutionsRead[item.ExecutionId] = true;
            return items;
        }

        public Task<bool> ExtendLeaseAsync(long id, long fence, DateTimeOffset until) => tx.ExtendLeaseAsync(id, fence, until);
        public Task<DateTimeOffset?> NextDueAsync() => tx.NextDueAsync();
        public Task<IReadOnlyList<WorkItem>> GetWorkItemsAsync(TenantId tenant, Guid executionId) => tx.GetWorkItemsAsync(tenant, executionId);
        public Task<bool> RescheduleWorkItemAsync(long id, long fence, DateTimeOffset due) => tx.RescheduleWorkItemAsync(id, fence, due);
        public Task ReleaseLeasesNotOwnedByAsync(string owner) => tx.ReleaseLeasesNotOwnedByAsync(owner);
        public Task InsertScheduleAsync(ScheduleRecord schedule) => tx.InsertScheduleAsync(schedule);
        public Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id) => tx.GetScheduleAsync(tenant, id);
        public Task UpdateScheduleAsync(ScheduleRecord schedule) => tx.UpdateScheduleAsync(schedule);
        public Task DeleteScheduleAsync(TenantId tenant, Guid id) => tx.DeleteScheduleAsync(tenant, id);

        public Task SaveStepRunAsync(StepRunRecord run)
        {
            store.ThrowIfPoisoned(run.ExecutionId);
            return tx.SaveStepRunAsync(run);
        }

        public Task InsertLogAsync(LogRecord log) => tx.InsertLogAsync(log);
        public Task<long> InsertEventAsync(EventRecord evt) => tx.InsertEventAsync(evt);
        public Task InsertSignalAsync(SignalRecord signal) => tx.InsertSignalAsync(signal);
        public Task<SignalRecord?> TakeSignalAsync(TenantId tenant, Guid executionId, string name) => tx.TakeSignalAsync(tenant, executionId, name);
    }
}
