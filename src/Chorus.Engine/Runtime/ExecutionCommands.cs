using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using Chorus.Engine.Telemetry;

namespace Chorus.Engine.Runtime;

/// <summary>Every change to an execution, each run by the <see cref="Committer"/> inside its transaction: read
/// the execution, apply the change, write the execution, its next work items and its events together.</summary>
/// <param name="pure">Runs pure steps inside the commit that decided them; null runs every step from a work item.</param>
internal sealed partial class ExecutionCommands(GraphCache graphs, EngineOptions options, TimeProvider time, ITenantQuotas quotas, StepInvoker? pure = null)
{
    public sealed record StartRequest
    {
        public required TenantId Tenant { get; init; }
        public required WorkflowVersionRecord Version { get; init; }
        public required WorkflowGraph Graph { get; init; }
        public JsonNode? Input { get; init; }
        public ExecutionMode Mode { get; init; } = ExecutionMode.Automatic;
        public bool IsTest { get; init; }
        public Guid? ParentExecutionId { get; init; }
        public string? ParentStepId { get; init; }
        /// <summary>What started it when not a direct call (a schedule), kept in the context as <c>trigger</c>.</summary>
        public JsonObject? Trigger { get; init; }
        /// <summary>A child's place in its tree of subflows; null for a root.</summary>
        public SubflowLineage? Lineage { get; init; }
        /// <summary>Written as <see cref="ExecutionStatus.Created"/>, to start when <see cref="StartCreatedAsync"/> is called.</summary>
        public bool Deferred { get; init; }
        /// <summary>A re-run's recorded results by step id (<see cref="History.StepStub"/>); null for any other start.</summary>
        public Dictionary<string, JsonObject>? Stubs { get; init; }
    }

    public async Task<ExecutionRecord> StartAsync(CommitScope s, StartRequest request)
    {
        var now = time.GetUtcNow();
        var input = request.Input?.DeepClone();
        var execution = new ExecutionRecord
        {
            Tenant = request.Tenant,
            Id = Guid.CreateVersion7(now),
            WorkflowId = request.Version.WorkflowId,
            WorkflowVersion = request.Version.Number,
            Status = ExecutionStatus.Pending,
            Mode = request.Mode,
            Input = input,
            Context = new JsonObject
            {
                ["input"] = input?.DeepClone(),
                // Seed 002 templates read the input as variables ("{{variables.email}}").
                ["variables"] = input is JsonObject ? input.DeepClone() : new JsonObject(),
            },
            State = new ExecutionState { Lineage = request.Lineage, Stubs = request.Stubs },
            IsTest = request.IsTest,
            ParentExecutionId = request.ParentExecutionId,
            ParentStepId = request.ParentStepId,
            CreatedAt = now,
            TotalSteps = request.Graph.ProgressStepCount,
        };
        execution.State.TraceParent = EngineTracing.StartExecution(execution.Tenant, execution.WorkflowId, execution.Id);
        if (request.Trigger is not null)
            execution.Context["trigger"] = request.Trigger.DeepClone();
        // Children and test runs are admitted at once and hold no slot, in all or of their tenant: a parent must not
        // starve its own child, and the root already holds the slot its tree runs in.
        if (request.Deferred)
        {
            // Nothing is scheduled: no work item, no slot, no deadline until it is started.
            execution.Status = ExecutionStatus.Created;
            await s.InsertExecutionAsync(execution).ConfigureAwait(false);
            await RecordSearchAttributesAsync(s, execution, request.Graph).ConfigureAwait(false);
            var created = $"Execution created on version {execution.WorkflowVersion}; it starts when asked to";
            await Log(s, execution, null, "info", created).ConfigureAwait(false);
            await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(execution, now, null, created)).ConfigureAwait(false);
            s.Remember(execution);
            return execution;
        }
        var exempt = request.IsTest || request.ParentExecutionId is not null;
        var (queuedBecause, workflowFull) = exempt ? default : await WhyQueuedAsync(s, execution, request.Graph).ConfigureAwait(false);
        execution.AwaitsWorkflowSlot = workflowFull;
        var admit = queuedBecause is null;
        var firstSteps = admit ? PrepareRunning(s, execution, request.Graph, now) : [];
        await s.InsertExecutionAsync(execution).ConfigureAwait(false);
        await RecordSearchAttributesAsync(s, execution, request.Graph).ConfigureAwait(false);
        await ScheduleAsync(s, execution, firstSteps, now).ConfigureAwait(false);
        if (execution.DeadlineAt is { } deadline)
            await AddDeadlineAsync(s, execution, deadline).ConfigureAwait(false);
        var message = admit ? $"Execution started on version {execution.WorkflowVersion}" : $"Execution queued: {queuedBecause}";
        await Log(s, execution, null, "info", message).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(execution, now, null, message)).ConfigureAwait(false);
        s.Remember(execution);
        return execution;
    }

    /// <summary>Starts an execution written as <see cref="ExecutionStatus.Created"/>, through admission like a new
    /// start: running when a slot is free, else pending until one is. Any other status is a conflict, so a second
    /// start changes nothing.</summary>
    public async Task<ExecutionRecord> StartCreatedAsync(CommitScope s, TenantId tenant, Guid id)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.Status != ExecutionStatus.Created)
            throw Conflict(e, "start");
        var now = time.GetUtcNow();
        string message;
        var graph = await GraphOf(s, e).ConfigureAwait(false);
        if (await WhyQueuedAsync(s, e, graph).ConfigureAwait(false) is ({ } queuedBecause, var workflowFull))
        {
            e.Status = ExecutionStatus.Pending;
            e.AwaitsWorkflowSlot = workflowFull;
            message = $"Execution queued: {queuedBecause}";
        }
        else
        {
            await ScheduleAsync(s, e, PrepareRunning(s, e, graph, now), now).ConfigureAwait(false);
            if (e.DeadlineAt is { } deadline)
                await AddDeadlineAsync(s, e, deadline).ConfigureAwait(false);
            message = $"Execution started on version {e.WorkflowVersion}";
        }
        await Log(s, e, null, "info", message).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, now, null, message)).ConfigureAwait(false);
        return e;
    }

    /// <summary>Moves a pending execution to running and returns what to schedule.</summary>
    private List<Decision> PrepareRunning(CommitScope s, ExecutionRecord execution, WorkflowGraph graph, DateTimeOffset now)
    {
        s.AfterCommit.Add(() => EngineMetrics.ExecutionStarted(execution.Tenant, execution.WorkflowId));
        execution.Status = ExecutionStatus.Running;
        execution.StartedAt = now;
        execution.DeadlineAt = TimeLimitOf(execution, graph) is { } limit ? now + limit : null;
        var decisions = Decider.Start(graph);
        ApplyTo(execution.State, decisions);
        return decisions;
    }

    /// <summary>The shorter of the workflow's timeout (else the engine's) and the tenant's quota; null for none.</summary>
    private TimeSpan? TimeLimitOf(ExecutionRecord execution, WorkflowGraph graph)
    {
        var own = graph.Definition.Timeout ?? options.ExecutionTimeout;
        var quota = quotas.Current.Of(execution.Tenant).MaxExecutionTime;
        return own is null ? quota : quota is null ? own : own < quota ? own : quota;
    }

    private Task AddDeadlineAsync(CommitScope s, ExecutionRecord execution, DateTimeOffset deadline) =>
        s.AddWorkAsync(new WorkItem
        {
            Tenant = execution.Tenant, ExecutionId = execution.Id, Kind = WorkItemKind.Deadline, DueAt = deadline,
        });

    private async Task ScheduleAsync(CommitScope s, ExecutionRecord execution, IReadOnlyList<string> stepIds, DateTimeOffset now)
    {
        foreach (var stepId in stepIds)
            await AddRunAsync(s, execution, stepId, now).ConfigureAwait(false);
    }

    /// <summary>Queues a run of the step's current attempt, due now: for a pure step, to run before this operation
    /// commits (<see cref="RunPureStepsAsync"/>); for any other, as a work item.</summary>
    private async Task AddRunAsync(CommitScope s, ExecutionRecord execution, string stepId, DateTimeOffset now)
    {
        execution.CurrentStep = stepId;
        if (pure is not null && execution is { Mode: ExecutionMode.Automatic, Status: ExecutionStatus.Running or ExecutionStatus.Waiting }
            && s.PureSteps.Count + s.PureStepsRun < MaxPureStepsPerOperation
            && (StepInvoker.IsStubbed(execution, stepId) || pure.IsPure((await GraphOf(s, execution).ConfigureAwait(false)).Step(stepId))))
        {
            s.PureSteps.Enqueue((execution, stepId));
            return;
        }
        await AddRunItemAsync(s, execution, stepId, now).ConfigureAwait(false);
    }

    private static Task AddRunItemAsync(CommitScope s, ExecutionRecord execution, string stepId, DateTimeOffset now) =>
        s.AddWorkAsync(new WorkItem
        {
            Tenant = execution.Tenant,
            ExecutionId = execution.Id,
            StepId = stepId,
            Kind = WorkItemKind.Run,
            Attempt = execution.State.Steps[stepId].Attempt,
            DueAt = now,
            Held = execution.Mode == ExecutionMode.Manual,
            Suspended = execution.Status == ExecutionStatus.Paused,
        });

    /// <summary>Pure steps one operation runs at most; the rest go to work items, so a loop made only of pure steps
    /// goes on over several commits instead of holding this one.</summary>
    internal const int MaxPureStepsPerOperation = 100;

    /// <summary>Runs the pure steps the operation scheduled, and those they schedule in turn, each recorded as if it had
    /// run from a work item (step run, logs, events), all in the operation's commit: a chain of them costs no commit
    /// of its own. Runs after the operation, so its own events come first.</summary>
    public async Task RunPureStepsAsync(CommitScope s)
    {
        var changed = new List<ExecutionRecord>();
        while (s.PureSteps.TryDequeue(out var next))
        {
            var (e, stepId) = next;
            // An earlier pure step may have failed the execution, or a decision replaced this attempt.
            if (e.IsTerminal || !e.State.Steps.TryGetValue(stepId, out var state) || state.Status != StepStatus.Scheduled)
                continue;
            s.PureStepsRun++;
            var graph = await GraphOf(s, e).ConfigureAwait(false);
            var step = graph.Step(stepId);
            if (await pure!.RunPureAsync(e, graph, step, state.Attempt).ConfigureAwait(false) is not { } outcome)
            {
                await AddRunItemAsync(s, e, stepId, time.GetUtcNow()).ConfigureAwait(false);
                continue;
            }
            await ApplyResultAsync(s, e, graph, step, state, outcome).ConfigureAwait(false);
            if (!changed.Contains(e))
                changed.Add(e);
        }
        foreach (var e in changed)
        {
            await s.UpdateExecutionAsync(e).ConfigureAwait(false);
            s.Remember(e);
        }
    }

    /// <summary>Why an execution must wait as pending, or null when it may start: its workflow has as many executions
    /// under way as its version allows (then <c>WorkflowFull</c>: it waits outside the queue until one of them ends),
    /// every slot is taken, or its tenant holds its share of them (so one tenant cannot keep the others pending).</summary>
    private async Task<(string? Reason, bool WorkflowFull)> WhyQueuedAsync(CommitScope s, ExecutionRecord e, WorkflowGraph graph)
    {
        // Counting the slot holders first takes the admission lock (on a shared store) the workflow's count relies on.
        var holders = await s.Tx.CountSlotHoldersAsync(e.Tenant).ConfigureAwait(false);
        if (graph.Definition.MaxConcurrentExecutions is { } limit
            && await s.Tx.CountWorkflowSlotHoldersAsync(e.Tenant, e.WorkflowId).ConfigureAwait(false) >= limit)
            return ($"the workflow allows {limit} concurrent execution{(limit == 1 ? "" : "s")}", true);
        if (holders.Total >= options.MaxConcurrentWorkflows)
            return ("the concurrency limit is reached", false);
        var cap = quotas.Current.SlotCapOf(e.Tenant, options.TenantSlotCap);
        if (holders.OfTenant >= cap)
            return (cap < options.TenantSlotCap
                ? $"the tenant's quota allows {cap} concurrent execution{(cap == 1 ? "" : "s")}"
                : "the tenant holds its share of the concurrency limit", false);
        return (null, false);
    }

    /// <summary>Admits pending executions while slots are free (after an execution ended or was cancelled), oldest
    /// first among the tenants under their cap: a tenant with a long queue does not hold up another tenant's
    /// execution that arrived after it. When the ended execution's workflow has a concurrency limit of its own, its
    /// executions awaiting one of its slots join the queue first, oldest first, as far as the limit allows.</summary>
    private async Task AdmitPendingAsync(CommitScope s, ExecutionRecord? ended = null)
    {
        if (ended is { IsTest: false, ParentExecutionId: null }
            && (await GraphOf(s, ended).ConfigureAwait(false)).Definition.MaxConcurrentExecutions is not null)
            await ReleaseWorkflowSlotsAsync(s, ended.Tenant, ended.WorkflowId).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var table = quotas.Current;
        var caps = table.SlotCaps(options.TenantSlotCap);
        // Looking for a pending execution is an index seek when none waits, as after most ends; counting slot
        // holders (under the admission lock on PostgreSQL) comes second.
        while (await s.GetOldestAdmissiblePendingAsync(caps).ConfigureAwait(false) is { } pending)
        {
            var holders = await s.Tx.CountSlotHoldersAsync(pending.Tenant).ConfigureAwait(false);
            if (holders.Total >= options.MaxConcurrentWorkflows)
                return;
            // On a shared store the choice was made before this transaction held the admission lock, and another
            // node may have filled the tenant's share since; looking again, now under the lock, passes it over.
            if (holders.OfTenant >= table.SlotCapOf(pending.Tenant, options.TenantSlotCap))
                continue;
            var graph = await GraphOf(s, pending).ConfigureAwait(false);
            var steps = PrepareRunning(s, pending, graph, now);
            await ScheduleAsync(s, pending, steps, now).ConfigureAwait(false);
            if (pending.DeadlineAt is { } deadline)
                await AddDeadlineAsync(s, pending, deadline).ConfigureAwait(false);
            await s.UpdateExecutionAsync(pending).ConfigureAwait(false);
            await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(pending, now, null, "Execution started")).ConfigureAwait(false);
        }
    }

    /// <summary>How many executions awaiting a workflow's slot one pass moves into the queue at most, so that one
    /// transaction stays short when a new version lifted the limit of a long line.</summary>
    private const int MaxReleasedPerPass = 1000;

    /// <summary>Moves the workflow's executions awaiting one of its slots into the admission queue, oldest first, while
    /// fewer of its executions are under way than the waiting one's version allows.</summary>
    private async Task ReleaseWorkflowSlotsAsync(CommitScope s, TenantId tenant, Guid workflowId)
    {
        for (var released = 0; released < MaxReleasedPerPass; released++)
        {
            if (await s.GetOldestAwaitingWorkflowSlotAsync(tenant, workflowId).ConfigureAwait(false) is not { } waiting)
                return;
            var limit = (await GraphOf(s, waiting).ConfigureAwait(false)).Definition.MaxConcurrentExecutions;
            if (limit is not null && await s.Tx.CountWorkflowSlotHoldersAsync(tenant, workflowId).ConfigureAwait(false) >= limit)
                return;
            waiting.AwaitsWorkflowSlot = false;
            await s.UpdateExecutionAsync(waiting).ConfigureAwait(false);
        }
    }

    /// <summary>After a restart, and so after a new version changed a limit, every line waiting for a workflow's slots
    /// moves on as far as its limit allows; then admission runs as after any end.</summary>
    public async Task AdmitPendingOnStartupAsync(CommitScope s)
    {
        foreach (var (tenant, workflowId) in await s.Tx.GetWorkflowsAwaitingSlotsAsync(MaxReleasedPerPass).ConfigureAwait(false))
            await ReleaseWorkflowSlotsAsync(s, tenant, workflowId).ConfigureAwait(false);
        await AdmitPendingAsync(s).ConfigureAwait(false);
    }

    /// <summary>Writes the values of the workflow's search attributes when they changed (most steps change none).
    /// The state keeps what was written, for this comparison and for the execution's representation.</summary>
    private async Task RecordSearchAttributesAsync(CommitScope s, ExecutionRecord e, WorkflowGraph graph)
    {
        if (SearchAttributeValues.Of(graph.Definition, e.Context, time) is not { } values || SearchAttributeValues.Same(e.State.SearchAttributes, values))
            return;
        e.State.SearchAttributes = values;
        await s.Tx.SetSearchAttributesAsync(e.Tenant, e.Id, values).ConfigureAwait(false);
    }

    private Task<WorkflowGraph> GraphOf(CommitScope s, ExecutionRecord e) =>
        graphs.GetAsync(e.Tenant, e.WorkflowId, e.WorkflowVersion, () => s.Tx.GetVersionAsync(e.Tenant, e.WorkflowId, e.WorkflowVersion));

    private static async Task<ExecutionRecord> RequireAsync(CommitScope s, TenantId tenant, Guid id) =>
        await s.GetExecutionAsync(tenant, id).ConfigureAwait(false)
        ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");
}
