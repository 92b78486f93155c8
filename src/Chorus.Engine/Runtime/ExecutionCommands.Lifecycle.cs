using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using Chorus.Engine.Telemetry;

namespace Chorus.Engine.Runtime;

internal sealed partial class ExecutionCommands
{
    /// <summary>After a step changed: finish the execution if nothing is left, else set running or waiting.</summary>
    private async Task SettleAsync(CommitScope s, ExecutionRecord e, WorkflowGraph graph, DateTimeOffset now, string stepName)
    {
        if (!e.State.HasActiveSteps)
        {
            e.Status = ExecutionStatus.Completed;
            e.CompletedAt = now;
            e.Output = FinalOutput(e, graph);
            e.CurrentStep = e.State.LastCompleted ?? e.CurrentStep;
            await EndAsync(s, e, now).ConfigureAwait(false);
            return;
        }
        if (e.Status != ExecutionStatus.Paused)
            e.Status = e.State.HasRunnableSteps ? ExecutionStatus.Running : ExecutionStatus.Waiting;
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, now, stepName, $"Step '{stepName}' finished")).ConfigureAwait(false);
    }

    /// <summary>The outputs of the <c>output</c> steps that ran (one: its value; several: by step id), else the
    /// output of the step that finished last.</summary>
    private static JsonNode? FinalOutput(ExecutionRecord e, WorkflowGraph graph)
    {
        var outputs = graph.Steps
            .Where(st => st.Type == "output" && e.State.Steps.TryGetValue(st.Id, out var ss) && ss.Status == StepStatus.Completed)
            .Select(st => st.Id)
            .ToList();
        if (outputs.Count == 1)
            return e.Context[outputs[0]]?.DeepClone();
        if (outputs.Count > 1)
            return new JsonObject(outputs.Select(id => KeyValuePair.Create(id, e.Context[id]?.DeepClone())));
        return e.State.LastCompleted is { } last ? e.Context[last]?.DeepClone() : null;
    }

    private async Task FailExecutionAsync(CommitScope s, ExecutionRecord e, JsonObject error, DateTimeOffset now)
    {
        // Steps still in flight fail with the execution, so a retry schedules them again.
        foreach (var state in e.State.Steps.Values.Where(st => st.Status is StepStatus.Scheduled or StepStatus.Running or StepStatus.Waiting))
            state.Status = StepStatus.Failed;
        e.Status = ExecutionStatus.Failed;
        e.Error = error;
        e.CompletedAt = now;
        await s.AddEventAsync(ExecutionEvents.ExecutionError(e, now, error)).ConfigureAwait(false);
        await EndAsync(s, e, now).ConfigureAwait(false);
    }

    /// <summary>What every terminal status shares: no work left, parent told, slot freed, descendants ended.</summary>
    private async Task EndAsync(CommitScope s, ExecutionRecord e, DateTimeOffset now)
    {
        await s.Tx.DeleteWorkItemsAsync(e.Tenant, e.Id).ConfigureAwait(false);
        var (tenant, workflow, status) = (e.Tenant, e.WorkflowId, e.Status.ToWire());
        s.AfterCommit.Add(() => EngineMetrics.ExecutionEnded(tenant, workflow, status));
        await Log(s, e, null, e.Status == ExecutionStatus.Completed ? "info" : "warning", $"Execution {e.Status.ToWire()}").ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, now, null, $"Execution {e.Status.ToWire()}")).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionFinished(e, now)).ConfigureAwait(false);
        // A child cancelled by its own parent finds the parent already ended; one cancelled by a person fails
        // the parent's subflow step, which would otherwise wait forever.
        if (e.ParentExecutionId is { } parentId && e.ParentStepId is { } parentStep)
            await NotifyParentAsync(s, e, parentId, parentStep, now).ConfigureAwait(false);
        // Admission counts slot holders in the table, so the ended status must be written first to free the slot.
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        await EndDescendantsAsync(s, e.Tenant, e.Id, now).ConfigureAwait(false);
        await AdmitPendingAsync(s, ended: e).ConfigureAwait(false);
    }

    private Task AddResumeAsync(CommitScope s, ExecutionRecord e, string stepId, int attempt, DateTimeOffset dueAt, JsonObject payload) =>
        s.AddWorkAsync(new WorkItem
        {
            Tenant = e.Tenant, ExecutionId = e.Id, StepId = stepId, Kind = WorkItemKind.Resume, Attempt = attempt,
            DueAt = dueAt, Payload = payload, Suspended = e.Status == ExecutionStatus.Paused,
        });

    /// <summary>Saves a step run once the commit has decided everything else about it, so that it records what history
    /// and replay need and nothing else tells: its place in the commit order, the variables it wrote, where the
    /// execution went on from it, and the execution's status afterwards.</summary>
    private static Task SaveRunAsync(CommitScope s, ExecutionRecord e, StepDefinition step, int attempt, string status,
        JsonNode? input, JsonNode? output, JsonObject? error, DateTimeOffset startedAt, DateTimeOffset? finishedAt,
        IReadOnlyDictionary<string, JsonNode?>? variables = null, IReadOnlyList<string>? next = null)
    {
        if (finishedAt is { } finished)
            s.AfterCommit.Add(() => EngineMetrics.StepFinished(step.Type, status, finished - startedAt));
        return s.Tx.SaveStepRunAsync(new StepRunRecord
        {
            Tenant = e.Tenant, ExecutionId = e.Id, StepId = step.Id, StepName = step.Name, StepType = step.Type,
            Attempt = attempt, Status = status, Input = input?.DeepClone(), Output = output?.DeepClone(),
            Error = error?.DeepClone() as JsonObject, StartedAt = startedAt, FinishedAt = finishedAt,
            Sequence = ++e.State.RunsSaved,
            Variables = variables is { Count: > 0 } ? new JsonObject(variables.Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone()))) : null,
            Next = next is null ? null : new JsonArray([.. next.Select(n => JsonValue.Create(n))]),
            StatusAfter = e.Status.ToWire(),
        });
    }

    /// <summary>Starts the new run of <paramref name="original"/> and notes it in the original's log, in one commit.</summary>
    public async Task<ExecutionRecord> RerunAsync(CommitScope s, StartRequest request, ExecutionRecord original)
    {
        var started = await StartAsync(s, request).ConfigureAwait(false);
        await Log(s, original, null, "info", $"Run again from the start as execution {started.Id} (version {started.WorkflowVersion}).").ConfigureAwait(false);
        return started;
    }

    /// <summary>Starts a re-run from a point of <paramref name="original"/>'s history and notes it in both logs, in one commit.</summary>
    public async Task<ExecutionRecord> RerunFromPointAsync(CommitScope s, StartRequest request, ExecutionRecord original, int point, bool live)
    {
        var started = await StartAsync(s, request).ConfigureAwait(false);
        var how = live ? "running every step after it live" : "giving recorded results for steps with effects";
        await Log(s, started, null, "info", $"Re-run of execution {original.Id} from point {point} of its history, {how}.").ConfigureAwait(false);
        await Log(s, original, null, "info", $"Re-run from point {point} of its history as test execution {started.Id}.").ConfigureAwait(false);
        return started;
    }

    private Task Log(CommitScope s, ExecutionRecord e, string? stepId, string level, string message) =>
        InsertLogAsync(s, new LogRecord
        {
            Tenant = e.Tenant, ExecutionId = e.Id, StepId = stepId, Level = level, Message = message, At = time.GetUtcNow(),
        });

    /// <summary>Writes a log line as far as the tenant's quota keeps them: with minimal logs only the execution's
    /// own lines and warnings and errors; with standard logs every line but without the data steps attach.</summary>
    private Task InsertLogAsync(CommitScope s, LogRecord log)
    {
        switch (quotas.Current.Of(log.Tenant).Logs)
        {
            case LogDetail.Minimal when log.StepId is not null && log.Level is not ("warning" or "error"):
                return Task.CompletedTask;
            case LogDetail.Minimal or LogDetail.Standard when log.Data is not null:
                return s.Tx.InsertLogAsync(log with { Data = null });
            default:
                return s.Tx.InsertLogAsync(log);
        }
    }
}
