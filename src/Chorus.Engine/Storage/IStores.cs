using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>Workflow definitions and their versions.</summary>
public interface IWorkflowStore
{
    /// <summary>False, writing nothing, when the tenant already has (or had, since deleted) a workflow with this id.</summary>
    Task<bool> CreateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord firstVersion, CancellationToken ct);
    Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct);
    Task<Page<WorkflowRecord>> ListWorkflowsAsync(TenantId tenant, int offset, int limit, CancellationToken ct);
    /// <summary>Writes the workflow's metadata and, when given, a new version. False if it does not exist.</summary>
    Task<bool> UpdateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord? newVersion, CancellationToken ct);
    Task<bool> DeleteWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct);
    Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number, CancellationToken ct);
    Task<IReadOnlyList<WorkflowVersionRecord>> ListVersionsAsync(TenantId tenant, Guid workflowId, CancellationToken ct);
}

public sealed record ExecutionQuery
{
    public Guid? WorkflowId { get; init; }
    public ExecutionStatus? Status { get; init; }
    /// <summary>Any of these statuses (with <see cref="Status"/>, both must hold): an API whose one word covers several.</summary>
    public IReadOnlyList<ExecutionStatus>? AnyStatus { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public bool IncludeTests { get; init; }
    /// <summary>Text the execution's input contains (case-insensitive for ASCII); at most <see cref="MaxTextLength"/> characters.</summary>
    public string? Text { get; init; }
    /// <summary>Search attributes the execution must have, each with exactly this value; at most <see cref="MaxSearchFilters"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Search { get; init; } = [];
    public int Offset { get; init; }
    public int Limit { get; init; } = 50;

    public const int MaxTextLength = 200;
    public const int MaxSearchFilters = 5;
}

/// <summary>The newest execution of a workflow, as a list of workflows shows it.</summary>
public sealed record LatestExecution(Guid WorkflowId, Guid Id, ExecutionStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);

/// <summary>Reads of executions for the API; never used to decide anything (the committer reads in its transaction).</summary>
public interface IExecutionReader
{
    Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id, CancellationToken ct);
    Task<Page<ExecutionRecord>> ListExecutionsAsync(TenantId tenant, ExecutionQuery query, CancellationToken ct);
    /// <summary>The newest execution (not a test run) of each of these workflows that has one, in one query.</summary>
    Task<IReadOnlyList<LatestExecution>> LatestExecutionsAsync(TenantId tenant, IReadOnlyCollection<Guid> workflowIds, CancellationToken ct);
    Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(TenantId tenant, Guid executionId, CancellationToken ct);
    Task<IReadOnlyList<LogRecord>> GetLogsAsync(TenantId tenant, Guid executionId, CancellationToken ct);
    /// <summary>The events of one execution, oldest first (for its export); a store that keeps none answers none.</summary>
    Task<IReadOnlyList<EventRecord>> GetEventsAsync(TenantId tenant, Guid executionId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<EventRecord>>([]);
    /// <summary>Whether the store answers (readiness).</summary>
    Task<bool> PingAsync(CancellationToken ct);

    /// <summary>The work queue as the metrics show it; null from a store that cannot tell.</summary>
    Task<QueueSample?> SampleQueueAsync(DateTimeOffset now, CancellationToken ct) => Task.FromResult<QueueSample?>(null);
}

/// <summary>Reads of schedules for the API; changes go through the engine's transactions, together with the
/// work item of their next occurrence.</summary>
public interface IScheduleReader
{
    Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id, CancellationToken ct);
    /// <summary>The workflow's schedules, oldest first.</summary>
    Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(TenantId tenant, Guid workflowId, CancellationToken ct);
}

/// <summary>Opens the write transactions of the engine. The committer runs many operations in one
/// transaction (group commit), each inside a savepoint so one failure does not undo the others.</summary>
public interface IEngineStore
{
    /// <summary>What the engine may assume of this store (one writer, nodes sharing its queue, ...).</summary>
    StoreCapabilities Capabilities { get; }

    /// <summary>Calls <paramref name="onWork"/> with the due time of work that any node committed to the queue,
    /// until cancelled, so idle nodes wake at once instead of at their next poll. A store with one process has
    /// nothing to listen to.</summary>
    Task ListenForWorkAsync(Action<DateTimeOffset> onWork, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Calls <paramref name="onEvent"/> with the events other nodes committed, until cancelled, so a client
    /// connected to one node sees executions another node runs. This node's own events are not among them: its
    /// engine delivered those when it committed them. While <paramref name="wanted"/> answers false (nobody on
    /// this node listens), other nodes' events are not read at all: every node reading every event costs the
    /// cluster work in proportion to its size.</summary>
    Task ListenForEventsAsync(Action<EventRecord> onEvent, Func<bool> wanted, CancellationToken ct) => Task.CompletedTask;

    Task<IEngineTransaction> BeginAsync(CancellationToken ct);

    /// <summary>Blocks until every commit returned so far is on disk; a store whose commits are on disk when they
    /// return (<see cref="StoreCapabilities.CommitsSyncedLater"/> false) has nothing to do.</summary>
    void SyncCommits()
    {
    }

    /// <summary>The storage fault <paramref name="ex"/> (an error of this store's driver) stands for: a full disk,
    /// a read-only database, an unreachable one; null when it is anything else.</summary>
    StorageFault? ClassifyFault(Exception ex) => null;
}

/// <summary>Everything a server needs of one store: the embedded SQLite one or the PostgreSQL one.</summary>
public interface IChorusStore : IWorkflowStore, IExecutionReader, IScheduleReader, IApiKeyStore, ITierStore, ISecretStore, IWebhookTriggerStore, IBrokerTriggerStore,
    IEventRelayStore, ILlmTokenUsageStore, IFileStore, ICollectionStore, IEngineStore, IAsyncDisposable;

/// <summary>How many executions hold a concurrency slot: in all, and of one tenant.</summary>
public readonly record struct SlotHolders(int Total, int OfTenant);

/// <summary>The writes (and the reads they depend on) of the engine, all inside one transaction.</summary>
public interface IEngineTransaction : IAsyncDisposable
{
    /// <summary>Tells every node listening, once this transaction commits, that work falls due at <paramref name="due"/>.</summary>
    Task AnnounceWorkAsync(DateTimeOffset due) => Task.CompletedTask;

    /// <summary>Tells every node listening, once this transaction commits, which events it wrote.</summary>
    Task AnnounceEventsAsync(IReadOnlyList<long> ids) => Task.CompletedTask;

    Task SavepointAsync(string name);
    Task RollbackToSavepointAsync(string name);
    Task ReleaseSavepointAsync(string name);
    Task CommitAsync();

    Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id);
    Task InsertExecutionAsync(ExecutionRecord execution);
    Task UpdateExecutionAsync(ExecutionRecord execution);
    /// <summary>Executions holding a concurrency slot (running, waiting or paused; top level, not tests), in all and
    /// of <paramref name="tenant"/>, counted in one pass. It also serialises admission: a store shared by several
    /// transactions at once holds a lock from here to the end of the transaction, and counts what the previous
    /// holder committed.</summary>
    Task<SlotHolders> CountSlotHoldersAsync(TenantId tenant);

    /// <summary>The oldest pending execution of a tenant holding fewer slots than its cap in <paramref name="caps"/>:
    /// a tenant at its cap waits without holding up the others' pending executions. Null when there is none.</summary>
    Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(TenantSlotCaps caps);

    /// <summary>Top-level executions of the workflow, not tests, that hold one of its own concurrency slots: pending
    /// (not <see cref="ExecutionRecord.AwaitsWorkflowSlot"/>), running, waiting or paused. Serialises admission as
    /// <see cref="CountSlotHoldersAsync"/> does.</summary>
    Task<int> CountWorkflowSlotHoldersAsync(TenantId tenant, Guid workflowId);

    /// <summary>The oldest execution of the workflow awaiting one of its concurrency slots, read for change; null
    /// when none waits.</summary>
    Task<ExecutionRecord?> GetOldestAwaitingWorkflowSlotAsync(TenantId tenant, Guid workflowId);

    /// <summary>Replaces the execution's search attributes with <paramref name="values"/> (name and value).</summary>
    Task SetSearchAttributesAsync(TenantId tenant, Guid executionId, IReadOnlyDictionary<string, string> values);

    /// <summary>The workflows with executions awaiting one of their concurrency slots, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<(TenantId Tenant, Guid WorkflowId)>> GetWorkflowsAwaitingSlotsAsync(int max);
    Task<IReadOnlyList<Guid>> GetActiveChildrenAsync(TenantId tenant, Guid parentId);

    Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id);
    Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number);

    Task<long> InsertWorkItemAsync(WorkItem item);
    /// <summary>Removes an item only if the caller still holds its lease (fence matches).</summary>
    Task<bool> CompleteWorkItemAsync(long id, long fence);

    /// <summary>Completes the item as <see cref="CompleteWorkItemAsync"/> does and reads its execution for change;
    /// null when the item was stale. A store whose statements are round trips does both in one.</summary>
    async Task<ExecutionRecord?> CompleteWorkItemAndGetExecutionAsync(WorkItem item) =>
        await CompleteWorkItemAsync(item.Id, item.Fence).ConfigureAwait(false)
            ? await GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false)
            : null;
    Task DeleteWorkItemsAsync(TenantId tenant, Guid executionId);
    Task SetSuspendedAsync(TenantId tenant, Guid executionId, bool suspended);
    /// <summary>Releases the oldest held item of a manual execution; false if none is held.</summary>
    Task<bool> ReleaseHeldAsync(TenantId tenant, Guid executionId);
    /// <summary>Leases due items: sets owner and expiry and bumps the fence.</summary>
    Task<IReadOnlyList<WorkItem>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease);
    Task<bool> ExtendLeaseAsync(long id, long fence, DateTimeOffset until);
    Task<DateTimeOffset?> NextDueAsync();
    Task ReleaseLeasesNotOwnedByAsync(string owner);
    /// <summary>Every work item of one execution, leased or not, oldest due first (a time-skipping test run reads
    /// them to tell whether the execution has anything runnable and when its next timer falls due).</summary>
    Task<IReadOnlyList<WorkItem>> GetWorkItemsAsync(TenantId tenant, Guid executionId);
    /// <summary>Moves an unleased item's due time (a time-skipping test run brings a timer forward); false when the
    /// item was leased or completed since it was read (its fence moved on).</summary>
    Task<bool> RescheduleWorkItemAsync(long id, long fence, DateTimeOffset due);

    /// <summary>Moves the execution onto another version of its workflow (a migration); nothing else changes.</summary>
    Task SetExecutionVersionAsync(TenantId tenant, Guid executionId, int version);
    /// <summary>How many of the execution's work items a worker holds the lease of (a step attempt in flight). The
    /// items are read for change: on a shared store no other node can lease one of them until this transaction ends.</summary>
    Task<int> CountLeasedWorkItemsAsync(TenantId tenant, Guid executionId);
    /// <summary>Points the execution's run and resume items of step <paramref name="from"/> at step <paramref name="to"/>.</summary>
    Task RenameWorkItemStepAsync(TenantId tenant, Guid executionId, string from, string to);
    Task InsertMigrationAsync(MigrationRecord migration);
    Task<MigrationRecord?> GetMigrationAsync(TenantId tenant, Guid id);
    /// <summary>The workflow's migrations, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<MigrationRecord>> ListMigrationsAsync(TenantId tenant, Guid workflowId, int max);
    Task MarkMigrationRolledBackAsync(TenantId tenant, Guid id, DateTimeOffset at);
    Task InsertMigrationMoveAsync(MigrationMove move);
    /// <summary>The executions the migration moved, in the order they moved.</summary>
    Task<IReadOnlyList<MigrationMove>> GetMigrationMovesAsync(TenantId tenant, Guid migrationId);
    Task MarkMoveRolledBackAsync(TenantId tenant, Guid migrationId, Guid executionId, DateTimeOffset at);

    Task InsertScheduleAsync(ScheduleRecord schedule);
    /// <summary>Reads a schedule for change: on a shared store its row stays locked until the transaction ends,
    /// which is what keeps two nodes from firing one occurrence twice.</summary>
    Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id);
    Task UpdateScheduleAsync(ScheduleRecord schedule);
    Task DeleteScheduleAsync(TenantId tenant, Guid id);

    Task SaveStepRunAsync(StepRunRecord run);
    Task InsertLogAsync(LogRecord log);
    Task<long> InsertEventAsync(EventRecord evt);
    Task InsertSignalAsync(SignalRecord signal);
    Task<SignalRecord?> TakeSignalAsync(TenantId tenant, Guid executionId, string name);

    /// <summary>The tenant's key if it was written at or after <paramref name="notBefore"/> (older keys have expired).</summary>
    Task<IdempotencyRecord?> GetIdempotencyKeyAsync(TenantId tenant, string key, DateTimeOffset notBefore);

    /// <summary>Writes the key unless the tenant holds it already and it is not older than <paramref name="notBefore"/>
    /// (an expired key is replaced). False when the key is held: on a shared store this waits for a concurrent
    /// transaction that wrote it, so two racing starts cannot both win.</summary>
    Task<bool> TryInsertIdempotencyKeyAsync(IdempotencyRecord record, DateTimeOffset notBefore);

    /// <summary>Deletes keys written before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before);

    /// <summary>Rewrites one row, so a commit proves the store still takes writes (readiness).</summary>
    Task ProbeWriteAsync(DateTimeOffset now);

    /// <summary>The tenants that have finished top-level executions (history retention asks each one's limit).</summary>
    Task<IReadOnlyList<TenantId>> GetTenantsWithHistoryAsync();

    /// <summary>Deletes up to <paramref name="max"/> of the tenant's top-level executions finished (completed, failed,
    /// cancelled) before <paramref name="finishedBefore"/>, oldest first, with their step runs, logs, events, signals
    /// and work items, and their subflow children at any depth. A family goes only whole: a root with a child still
    /// running or finished since the cutoff stays, children included. Returns how many executions were deleted.</summary>
    Task<int> PruneExecutionsAsync(TenantId tenant, DateTimeOffset finishedBefore, int max);

    /// <summary>Deletes up to <paramref name="max"/> of the workflow's finished top-level executions, whatever their
    /// age, as <see cref="PruneExecutionsAsync"/> does. Returns how many executions were deleted.</summary>
    Task<int> DeleteWorkflowHistoryAsync(TenantId tenant, Guid workflowId, int max);

    /// <summary>Deletes one top-level execution and its subflow children at any depth, with everything they own, if
    /// all of them have finished (as <see cref="PruneExecutionsAsync"/> deletes a family). Returns how many executions
    /// were deleted: 0 when one of the family is still going.</summary>
    Task<int> DeleteExecutionFamilyAsync(TenantId tenant, Guid rootId);

    /// <summary>Deletes events written before <paramref name="before"/> among the <paramref name="max"/> oldest (the
    /// outbox other nodes read events from); returns how many.</summary>
    Task<int> PruneEventsAsync(DateTimeOffset before, int max);

    /// <summary>Gives up to <paramref name="pages"/> free pages back to the file system where the store keeps
    /// its data in one file (SQLite's incremental vacuum); nothing on other stores.</summary>
    Task CompactAsync(int pages) => Task.CompletedTask;
}

internal static class JsonNodeExtensions
{
    public static JsonObject AsObjectOrEmpty(this JsonNode? node) => node as JsonObject ?? new JsonObject();
}
