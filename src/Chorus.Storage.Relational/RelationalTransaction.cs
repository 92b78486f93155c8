using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The engine's transaction where both stores say the same: each store brings how a statement runs
/// (SQLite at once on its writer connection, PostgreSQL queued in its pipeline until someone needs an answer),
/// and what truly differs: savepoints and commit, ids, admission, and the append-only rows it writes in bulk.</summary>
internal abstract partial class RelationalTransaction(StoreSql sql) : IEngineTransaction
{
    protected StoreSql Sql { get; } = sql;

    /// <summary>Runs a write whose answer nobody waits for; a store may send it later, with the next statement.</summary>
    protected abstract Task WriteAsync(Statement statement);

    /// <summary>Runs a statement now; returns how many rows it changed.</summary>
    protected abstract Task<int> ExecuteAsync(Statement statement);

    protected abstract Task<List<T>> QueryAsync<T>(Statement statement, Func<DbDataReader, T> map);

    protected async Task<T?> FirstOrDefaultAsync<T>(Statement statement, Func<DbDataReader, T> map) where T : class =>
        (await QueryAsync(statement, map).ConfigureAwait(false)).FirstOrDefault();

    public abstract Task SavepointAsync(string name);
    public abstract Task RollbackToSavepointAsync(string name);
    public abstract Task ReleaseSavepointAsync(string name);
    public abstract Task CommitAsync();
    public abstract ValueTask DisposeAsync();

    /// <summary>Locks the row until the transaction ends where several transactions run side by side: this is what
    /// serialises two nodes changing one execution.</summary>
    public Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id) =>
        FirstOrDefaultAsync(Sql.Executions.ById(tenant, id, forUpdate: true), ExecutionRows.Map);

    public Task InsertExecutionAsync(ExecutionRecord execution) => WriteAsync(ExecutionRows.Bind(new Statement(Sql.Executions.Insert), execution));

    public virtual Task UpdateExecutionAsync(ExecutionRecord execution) => WriteAsync(ExecutionRows.Bind(new Statement(Sql.Executions.Update), execution));

    public abstract Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant);

    public abstract Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(TenantSlotCaps caps);

    /// <summary>The count; a store shared by several transactions takes the admission lock first (see
    /// <see cref="CountSlotHoldersAsync"/>).</summary>
    public virtual async Task<int> CountWorkflowSlotHoldersAsync(TenantId tenant, Guid workflowId) =>
        (await QueryAsync(Sql.Executions.CountWorkflowSlotHolders(tenant, workflowId), r => Columns.Int(r.GetValue(0))).ConfigureAwait(false))[0];

    public async Task SetSearchAttributesAsync(TenantId tenant, Guid executionId, IReadOnlyDictionary<string, string> values)
    {
        foreach (var statement in Sql.SearchAttributes.Replace(tenant, executionId, values))
            await WriteAsync(statement).ConfigureAwait(false);
    }

    public Task<ExecutionRecord?> GetOldestAwaitingWorkflowSlotAsync(TenantId tenant, Guid workflowId) =>
        FirstOrDefaultAsync(Sql.Executions.OldestAwaitingWorkflowSlot(tenant, workflowId), ExecutionRows.Map);

    public async Task<IReadOnlyList<(TenantId Tenant, Guid WorkflowId)>> GetWorkflowsAwaitingSlotsAsync(int max) =>
        await QueryAsync(Sql.Executions.WorkflowsAwaitingSlots(max), r => (new TenantId(r.Text("tenant_id")!), r.Id("workflow_id"))).ConfigureAwait(false);

    public async Task<IReadOnlyList<Guid>> GetActiveChildrenAsync(TenantId tenant, Guid parentId) =>
        await QueryAsync(Sql.Executions.ActiveChildren(tenant, parentId), r => r.Id("id")).ConfigureAwait(false);

    public Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id) => FirstOrDefaultAsync(Sql.Workflows.ById(tenant, id), WorkflowRows.Map);

    public Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number) =>
        FirstOrDefaultAsync(Sql.Workflows.Version(tenant, workflowId, number), WorkflowRows.MapVersion);

    public abstract Task<long> InsertWorkItemAsync(WorkItem item);

    public async Task<bool> CompleteWorkItemAsync(long id, long fence) => await ExecuteAsync(Sql.WorkItems.Complete(id, fence)).ConfigureAwait(false) > 0;

    public Task DeleteWorkItemsAsync(TenantId tenant, Guid executionId) => WriteAsync(Sql.WorkItems.DeleteOf(tenant, executionId));

    public Task SetSuspendedAsync(TenantId tenant, Guid executionId, bool suspended) =>
        WriteAsync(Sql.WorkItems.SetSuspended(tenant, executionId, suspended));

    public async Task<bool> ReleaseHeldAsync(TenantId tenant, Guid executionId) =>
        await ExecuteAsync(Sql.WorkItems.ReleaseHeld(tenant, executionId)).ConfigureAwait(false) > 0;

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease) =>
        WorkItemRows.InClaimOrder(await QueryAsync(Sql.WorkItems.Claim(owner, max, now, lease), WorkItemRows.MapClaimed).ConfigureAwait(false));

    public async Task<bool> ExtendLeaseAsync(long id, long fence, DateTimeOffset until) =>
        await ExecuteAsync(Sql.WorkItems.ExtendLease(id, fence, until)).ConfigureAwait(false) > 0;

    public async Task<DateTimeOffset?> NextDueAsync() => (await QueryAsync(Sql.WorkItems.NextDue(), r => r.OptionalTime(0)).ConfigureAwait(false))[0];

    public Task ReleaseLeasesNotOwnedByAsync(string owner) => WriteAsync(Sql.WorkItems.ReleaseLeasesNotOwnedBy(owner));

    public async Task<IReadOnlyList<WorkItem>> GetWorkItemsAsync(TenantId tenant, Guid executionId) =>
        await QueryAsync(Sql.WorkItems.OfExecution(tenant, executionId), WorkItemRows.MapClaimed).ConfigureAwait(false);

    public async Task<bool> RescheduleWorkItemAsync(long id, long fence, DateTimeOffset due) =>
        await ExecuteAsync(Sql.WorkItems.Reschedule(id, fence, due)).ConfigureAwait(false) > 0;

    public Task InsertScheduleAsync(ScheduleRecord schedule) => WriteAsync(ScheduleRows.Bind(new Statement(Sql.Schedules.Insert), schedule));

    public Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id) =>
        FirstOrDefaultAsync(Sql.Schedules.ById(tenant, id, forUpdate: true), ScheduleRows.Map);

    public Task UpdateScheduleAsync(ScheduleRecord schedule) => WriteAsync(ScheduleRows.Bind(new Statement(Sql.Schedules.Update), schedule));

    public Task DeleteScheduleAsync(TenantId tenant, Guid id) => WriteAsync(Sql.Schedules.Delete(tenant, id));

    public abstract Task SaveStepRunAsync(StepRunRecord run);
    public abstract Task InsertLogAsync(LogRecord log);
    public abstract Task<long> InsertEventAsync(EventRecord evt);

    public Task InsertSignalAsync(SignalRecord signal) => WriteAsync(Sql.Signals.Insert(signal));

    public Task<SignalRecord?> TakeSignalAsync(TenantId tenant, Guid executionId, string name) =>
        FirstOrDefaultAsync(Sql.Signals.Take(tenant, executionId, name),
            r => new SignalRecord { Tenant = tenant, ExecutionId = executionId, Name = name, Data = r.Json("data"), At = r.Time("at") });

    public Task<IdempotencyRecord?> GetIdempotencyKeyAsync(TenantId tenant, string key, DateTimeOffset notBefore) =>
        FirstOrDefaultAsync(Sql.IdempotencyKeys.Get(tenant, key, notBefore), r => new IdempotencyRecord
        {
            Tenant = tenant, Key = key, WorkflowId = r.Id("workflow_id"), RequestHash = r.Text("request_hash")!,
            ExecutionId = r.Id("execution_id"), CreatedAt = r.Time("created_at"),
        });

    public async Task<bool> TryInsertIdempotencyKeyAsync(IdempotencyRecord record, DateTimeOffset notBefore) =>
        await ExecuteAsync(Sql.IdempotencyKeys.TryInsert(record, notBefore)).ConfigureAwait(false) == 1;

    public Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before) => ExecuteAsync(Sql.IdempotencyKeys.Prune(before));

    public Task ProbeWriteAsync(DateTimeOffset now) => WriteAsync(Sql.IdempotencyKeys.Probe(now));
}
