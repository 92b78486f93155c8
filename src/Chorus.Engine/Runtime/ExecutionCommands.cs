using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Every change to an execution, each run by the <see cref="Committer"/> inside its transaction: read
/// the execution, apply the change, write the execution, its next work items and its events together.</summary>
internal sealed partial class ExecutionCommands(GraphCache graphs, EngineOptions options, TimeProvider time)
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
            State = new ExecutionState { Lineage = request.Lineage },
            IsTest = request.IsTest,
            ParentExecutionId = request.ParentExecutionId,
            ParentStepId = request.ParentStepId,
            CreatedAt = now,
            TotalSteps = request.Graph.ProgressStepCount,
        };
        if (request.Trigger is not null)
            execution.Context["trigger"] = request.Trigger.DeepClone();
        var exempt = request.IsTest || request.ParentExecutionId is not null;
        var admit = exempt || await s.Tx.CountSlotHoldersAsync().ConfigureAwait(false) < options.MaxConcurrentWorkflows;
        var firstSteps = admit ? PrepareRunning(execution, request.Graph, now) : [];
        await s.InsertExecutionAsync(execution).ConfigureAwait(false);
        await ScheduleAsync(s, execution, firstSteps, now).ConfigureAwait(false);
        if (execution.DeadlineAt is { } deadline)
            await AddDeadlineAsync(s, execution, deadline).ConfigureAwait(false);
        var message = admit ? $"Execution started on version {execution.WorkflowVersion}" : "Execution queued: the concurrency limit is reached";
        await Log(s, execution, null, "info", message).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(execution, now, null, message)).ConfigureAwait(false);
        s.Remember(execution);
        return execution;
    }

    /// <summary>Moves a pending execution to running and returns the steps to schedule.</summary>
    private List<string> PrepareRunning(ExecutionRecord execution, WorkflowGraph graph, DateTimeOffset now)
    {
        execution.Status = ExecutionStatus.Running;
        execution.StartedAt = now;
        var limit = graph.Definition.Timeout ?? options.ExecutionTimeout;
        if (limit is { } l)
            execution.DeadlineAt = now + l;
        return Decider.Start(graph, execution.State);
    }

    private Task AddDeadlineAsync(CommitScope s, ExecutionRecord execution, DateTimeOffset deadline) =>
        s.AddWorkAsync(new WorkItem
        {
            Tenant = execution.Tenant, ExecutionId = execution.Id, StepId = "", Kind = WorkItemKind.Deadline, DueAt = deadline,
        });

    private async Task ScheduleAsync(CommitScope s, ExecutionRecord execution, IReadOnlyList<string> stepIds, DateTimeOffset now)
    {
        foreach (var stepId in stepIds)
        {
            var state = execution.State.Steps[stepId];
            await s.AddWorkAsync(new WorkItem
            {
                Tenant = execution.Tenant,
                ExecutionId = execution.Id,
                StepId = stepId,
                Kind = WorkItemKind.Run,
                Attempt = state.Attempt,
                DueAt = now,
                Held = execution.Mode == ExecutionMode.Manual,
                Suspended = execution.Status == ExecutionStatus.Paused,
            }).ConfigureAwait(false);
            execution.CurrentStep = stepId;
        }
    }

    /// <summary>Admits pending executions while slots are free (after an execution ended or was cancelled).</summary>
    private async Task AdmitPendingAsync(CommitScope s)
    {
        var now = time.GetUtcNow();
        // Looking for a pending execution is an index seek; counting slot holders scans them, so it comes second.
        while (await s.GetOldestPendingAsync().ConfigureAwait(false) is { } pending)
        {
            if (await s.Tx.CountSlotHoldersAsync().ConfigureAwait(false) >= options.MaxConcurrentWorkflows)
                return;
            var graph = await GraphOf(s, pending).ConfigureAwait(false);
            var steps = PrepareRunning(pending, graph, now);
            await ScheduleAsync(s, pending, steps, now).ConfigureAwait(false);
            if (pending.DeadlineAt is { } deadline)
                await AddDeadlineAsync(s, pending, deadline).ConfigureAwait(false);
            await s.UpdateExecutionAsync(pending).ConfigureAwait(false);
            await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(pending, now, null, "Execution started")).ConfigureAwait(false);
        }
    }

    public Task AdmitPendingOnStartupAsync(CommitScope s) => AdmitPendingAsync(s);

    private Task<WorkflowGraph> GraphOf(CommitScope s, ExecutionRecord e) =>
        graphs.GetAsync(e.Tenant, e.WorkflowId, e.WorkflowVersion, () => s.Tx.GetVersionAsync(e.Tenant, e.WorkflowId, e.WorkflowVersion));

    private static async Task<ExecutionRecord> RequireAsync(CommitScope s, TenantId tenant, Guid id) =>
        await s.GetExecutionAsync(tenant, id).ConfigureAwait(false)
        ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");
}
