using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>One operation's view of the shared transaction, and what it wrote that must be announced after
/// the commit: events, and work this node leased to itself so it can run it without claiming it again.</summary>
internal sealed class CommitScope(IEngineTransaction tx, string node, TimeProvider time, TimeSpan lease, ExecutionCache? cache = null,
    LocalBudget? budget = null)
{
    public IEngineTransaction Tx { get; } = tx;
    public List<EventRecord> Events { get; } = [];
    public List<WorkItem> LocalWork { get; } = [];
    public Dictionary<Guid, ExecutionSnapshot> Snapshots { get; } = [];
    /// <summary>The earliest due time of work written for the store's queue rather than run here at once.</summary>
    public DateTimeOffset? StoreWorkDue { get; private set; }

    public void MarkStoreWork(DateTimeOffset due)
    {
        if (StoreWorkDue is null || due < StoreWorkDue)
            StoreWorkDue = due;
    }

    /// <summary>Pure steps this operation scheduled, to run before it commits (<see cref="ExecutionCommands.RunPureStepsAsync"/>).</summary>
    public Queue<(ExecutionRecord Execution, string StepId)> PureSteps { get; } = new();

    /// <summary>How many pure steps this operation ran.</summary>
    public int PureStepsRun { get; set; }

    /// <summary>What to do once the transaction committed (metrics): a rolled-back operation never runs them.</summary>
    public List<Action> AfterCommit { get; } = [];

    /// <summary>How many items this operation took from the local budget.</summary>
    public int Leased { get; private set; }

    /// <summary>Executions this operation read or wrote.</summary>
    public HashSet<Guid> Touched { get; } = [];

    /// <summary>Reads an execution for change: from the committer's cache when it holds it, else from the store.</summary>
    public async Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id)
    {
        if (cache is not null && cache.TryGet(id, out var cached))
        {
            Touched.Add(id);
            return cached.Tenant == tenant ? cached : null;
        }
        var execution = await Tx.GetExecutionAsync(tenant, id).ConfigureAwait(false);
        Track(execution);
        return execution;
    }

    /// <summary>Completes the work item and reads its execution for change; null when the item was stale.</summary>
    public async Task<ExecutionRecord?> CompleteWorkAndGetExecutionAsync(WorkItem item)
    {
        if (cache is not null && cache.TryGet(item.ExecutionId, out _))
            return await Tx.CompleteWorkItemAsync(item.Id, item.Fence).ConfigureAwait(false)
                ? await GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false)
                : null;
        var execution = await Tx.CompleteWorkItemAndGetExecutionAsync(item).ConfigureAwait(false);
        Track(execution);
        return execution;
    }

    public async Task<ExecutionRecord?> GetOldestAdmissiblePendingAsync(TenantSlotCaps caps) =>
        Adopt(await Tx.GetOldestAdmissiblePendingAsync(caps).ConfigureAwait(false));

    public async Task<ExecutionRecord?> GetOldestAwaitingWorkflowSlotAsync(TenantId tenant, Guid workflowId) =>
        Adopt(await Tx.GetOldestAwaitingWorkflowSlotAsync(tenant, workflowId).ConfigureAwait(false));

    /// <summary>The cached object of an execution a query found, if the cache holds it: one object per execution, or
    /// a change to the other copy would be lost.</summary>
    private ExecutionRecord? Adopt(ExecutionRecord? found)
    {
        if (found is not null && cache is not null && cache.TryGet(found.Id, out var cached))
            found = cached;
        Track(found);
        return found;
    }

    public Task InsertExecutionAsync(ExecutionRecord execution)
    {
        Track(execution);
        return Tx.InsertExecutionAsync(execution);
    }

    public Task UpdateExecutionAsync(ExecutionRecord execution)
    {
        Touched.Add(execution.Id);
        return Tx.UpdateExecutionAsync(execution);
    }

    private void Track(ExecutionRecord? execution)
    {
        if (execution is null)
            return;
        Touched.Add(execution.Id);
        cache?.Put(execution);
    }

    public async Task AddEventAsync(EventRecord evt)
    {
        var id = await Tx.InsertEventAsync(evt).ConfigureAwait(false);
        Events.Add(evt with { Id = id });
    }

    /// <summary>Work due now is leased to this node in the same insert: the commit that decided it is the
    /// claim, which saves a transaction (and an fsync) per step.</summary>
    public async Task AddWorkAsync(WorkItem item)
    {
        var now = time.GetUtcNow();
        var runsNow = item.DueAt <= now && !item.Held && !item.Suspended && item.Kind != WorkItemKind.Deadline;
        // Beyond what this node can start now, work goes to the store's queue for any node to claim: leased here it
        // would wait unheartbeated in the local queue, and another node would run it again when the lease ran out.
        if (runsNow && budget is not null)
        {
            runsNow = budget.TryTake();
            if (runsNow)
                Leased++;
        }
        if (runsNow)
            item = item with { Fence = 1, LeaseOwner = node, LeaseExpiresAt = now + lease };
        var id = await Tx.InsertWorkItemAsync(item).ConfigureAwait(false);
        if (runsNow)
            LocalWork.Add(item with { Id = id });
        else if (!item.Held && !item.Suspended)
            MarkStoreWork(item.DueAt);
    }

    /// <summary>Remembers the execution as committed, so its next steps start from it instead of re-reading it.</summary>
    public void Remember(ExecutionRecord e) => Snapshots[e.Id] = ExecutionSnapshot.Of(e);
}

/// <summary>How much more work commits may lease to this node: its worker's free capacity less what commits
/// in flight have leased to it already. The commit lanes share one, so two transactions at once cannot both
/// take the last free slot.</summary>
internal sealed class LocalBudget(Func<int> freeCapacity)
{
    private int _leasing;

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _leasing) <= freeCapacity())
            return true;
        Interlocked.Decrement(ref _leasing);
        return false;
    }

    /// <summary>Work a commit leased counts no more once it is in the worker's queue, or its commit failed.</summary>
    public void Release(int count) => Interlocked.Add(ref _leasing, -count);
}

/// <summary>What a step needs of its execution, with the context as text: each step parses its own copy,
/// since JSON nodes must not be shared between threads.</summary>
internal sealed record ExecutionSnapshot(TenantId Tenant, Guid Id, Guid WorkflowId, int WorkflowVersion, bool IsTest, string ContextJson,
    long LoopIterations = 0, string? TraceParent = null, string? StubsJson = null)
{
    public static ExecutionSnapshot Of(ExecutionRecord e) =>
        new(e.Tenant, e.Id, e.WorkflowId, e.WorkflowVersion, e.IsTest, e.Context.ToJsonString(), e.State.LoopIterations, e.State.TraceParent,
            e.State.Stubs is null ? null : new JsonObject(e.State.Stubs.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.DeepClone()))).ToJsonString());

    public JsonObject Context() => StoredJson.Parse(ContextJson)!.AsObject();

    /// <summary>The recorded result a re-run gives back for the step instead of running it; null to run it.</summary>
    public JsonObject? Stub(string stepId) => StubsJson is null ? null : StoredJson.Parse(StubsJson)![stepId]?.DeepClone() as JsonObject;
}
