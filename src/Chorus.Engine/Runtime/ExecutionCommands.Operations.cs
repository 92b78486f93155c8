using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>The operations a person or client applies to an execution through the API.</summary>
internal sealed partial class ExecutionCommands
{
    public async Task<ExecutionRecord> PauseAsync(CommitScope s, TenantId tenant, Guid id)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.Status is not (ExecutionStatus.Running or ExecutionStatus.Waiting))
            throw Conflict(e, "pause");
        e.Status = ExecutionStatus.Paused;
        await s.Tx.SetSuspendedAsync(tenant, id, true).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, time.GetUtcNow(), null, "Execution paused")).ConfigureAwait(false);
        return e;
    }

    public async Task<ExecutionRecord> ResumeAsync(CommitScope s, TenantId tenant, Guid id)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.Status != ExecutionStatus.Paused)
            throw Conflict(e, "resume");
        e.Status = e.State.HasRunnableSteps ? ExecutionStatus.Running : ExecutionStatus.Waiting;
        await s.Tx.SetSuspendedAsync(tenant, id, false).ConfigureAwait(false);
        s.MarkStoreWork(time.GetUtcNow());
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, time.GetUtcNow(), null, "Execution resumed")).ConfigureAwait(false);
        return e;
    }

    public async Task<ExecutionRecord> CancelAsync(CommitScope s, TenantId tenant, Guid id)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.IsTerminal)
            throw Conflict(e, "cancel");
        var now = time.GetUtcNow();
        e.Status = ExecutionStatus.Cancelled;
        e.CompletedAt = now;
        await EndAsync(s, e, now).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        return e;
    }

    /// <summary>Runs a failed execution again from the step that failed, with a fresh round of attempts.</summary>
    public async Task<ExecutionRecord> RetryAsync(CommitScope s, TenantId tenant, Guid id)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        var failedSteps = e.State.Steps.Where(p => p.Value.Status == StepStatus.Failed && !e.Context.ContainsKey(p.Key)).ToList();
        if (e.Status != ExecutionStatus.Failed || failedSteps.Count == 0)
            throw Conflict(e, "retry");
        // A retried execution holds a slot again, so it must not get past the limit or its tenant's share; it is
        // refused rather than queued, since admitting a pending execution starts it from its first step.
        var graph = await GraphOf(s, e).ConfigureAwait(false);
        if (!e.IsTest && e.ParentExecutionId is null && (await WhyQueuedAsync(s, e, graph).ConfigureAwait(false)).Reason is { } full)
            throw new ChorusException(ErrorCodes.RateLimited, $"Cannot retry now: {full}. Try again when an execution ends.",
                new JsonObject { ["status"] = e.Status.ToWire() });
        var now = time.GetUtcNow();
        foreach (var (_, state) in failedSteps)
        {
            state.Attempt++;
            state.RoundStart = state.Attempt;
            state.Status = StepStatus.Scheduled;
            state.StartedAt = null;
        }
        e.Status = ExecutionStatus.Running;
        e.Error = null;
        e.CompletedAt = null;
        e.DeadlineAt = TimeLimitOf(e, graph) is { } limit ? now + limit : null;
        await ScheduleAsync(s, e, failedSteps.Select(p => p.Key).ToList(), now).ConfigureAwait(false);
        if (e.DeadlineAt is { } deadline)
            await AddDeadlineAsync(s, e, deadline).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, now, null, "Execution retried from the failed step")).ConfigureAwait(false);
        return e;
    }

    /// <summary>Delivers a named event: to the step waiting for it, or kept until a step waits for it.</summary>
    public async Task<ExecutionRecord> SendEventAsync(CommitScope s, TenantId tenant, Guid id, string name, JsonNode? data)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.IsTerminal)
            throw Conflict(e, "send an event to");
        var now = time.GetUtcNow();
        var waiting = e.State.Steps.FirstOrDefault(p => p.Value.Status == StepStatus.Waiting && p.Value.SignalKind == "event" && p.Value.WaitingFor == name);
        if (waiting.Value is null)
        {
            await s.Tx.InsertSignalAsync(new SignalRecord { Tenant = tenant, ExecutionId = id, Name = name, Data = data?.DeepClone(), At = now }).ConfigureAwait(false);
            return e;
        }
        waiting.Value.WaitingFor = null;
        await AddResumeAsync(s, e, waiting.Key, waiting.Value.Attempt, now, new JsonObject { ["output"] = data?.DeepClone() }).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        return e;
    }

    /// <summary>Resumes one step waiting for an event, named by id and attempt (a webhook step's resume URL names
    /// both): unlike an event sent by name, a call for a step that is not waiting is a conflict and is not kept for
    /// later, so a replayed URL changes nothing.</summary>
    public async Task<ExecutionRecord> ResumeWaitingStepAsync(CommitScope s, TenantId tenant, Guid id, string stepId, int attempt, JsonNode? data)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.IsTerminal || !e.State.Steps.TryGetValue(stepId, out var state) || state.Status != StepStatus.Waiting
            || state.SignalKind != "event" || state.WaitingFor is null || state.Attempt != attempt)
            throw new ChorusException(ErrorCodes.Conflict, $"Step '{stepId}' is not waiting for this call (it was resumed already, or moved on).",
                new JsonObject { ["status"] = e.Status.ToWire(), ["step_id"] = stepId });
        state.WaitingFor = null;
        await AddResumeAsync(s, e, stepId, state.Attempt, time.GetUtcNow(), new JsonObject { ["output"] = data?.DeepClone() }).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        return e;
    }

    /// <summary>Completes a manualInput step with what a person entered.</summary>
    public async Task<ExecutionRecord> SubmitInputAsync(CommitScope s, TenantId tenant, Guid id, string? stepId, JsonNode? data)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        var candidates = e.State.Steps
            .Where(p => p.Value.Status == StepStatus.Waiting && p.Value.SignalKind == "manual_input" && p.Value.WaitingFor is not null)
            .Where(p => stepId is null || p.Key == stepId)
            .ToList();
        if (e.IsTerminal || candidates.Count == 0)
            throw new ChorusException(ErrorCodes.Conflict,
                stepId is null ? "No step of this execution is waiting for input." : $"Step '{stepId}' is not waiting for input.",
                new JsonObject { ["status"] = e.Status.ToWire() });
        if (candidates.Count > 1)
            throw new ChorusException(ErrorCodes.InvalidInput, "Several steps wait for input: name one with step_id.",
                new JsonObject { ["steps"] = new JsonArray(candidates.Select(c => (JsonNode?)c.Key).ToArray()) });
        var (waitingStep, state) = candidates[0];
        if (state.InputSchema is { } schema && JsonSchemaValidator.Validate(schema, data) is { Count: > 0 } problems)
            throw new ChorusException(ErrorCodes.InvalidInput, "The input does not match the step's schema.",
                new JsonObject { ["errors"] = new JsonArray(problems.Select(p => (JsonNode?)new JsonObject { ["path"] = p.Path, ["message"] = p.Message }).ToArray()) });
        state.WaitingFor = null;
        await AddResumeAsync(s, e, waitingStep, state.Attempt, time.GetUtcNow(), new JsonObject { ["output"] = data?.DeepClone() }).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        return e;
    }

    /// <summary>Manual mode: lets the next held step run.</summary>
    public async Task<ExecutionRecord> AdvanceAsync(CommitScope s, TenantId tenant, Guid id)
    {
        var e = await RequireAsync(s, tenant, id).ConfigureAwait(false);
        if (e.Mode != ExecutionMode.Manual)
            throw new ChorusException(ErrorCodes.Conflict, "Only executions started in manual mode advance step by step.");
        if (e.Status is not (ExecutionStatus.Running or ExecutionStatus.Waiting) || !await s.Tx.ReleaseHeldAsync(tenant, id).ConfigureAwait(false))
            throw Conflict(e, "advance");
        s.MarkStoreWork(time.GetUtcNow());
        return e;
    }

    /// <summary>The execution's time limit passed.</summary>
    public async Task<bool> ApplyDeadlineAsync(CommitScope s, WorkItem item)
    {
        if (!await s.Tx.CompleteWorkItemAsync(item.Id, item.Fence).ConfigureAwait(false))
            return false;
        var e = await s.GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false);
        if (e is null || e.IsTerminal)
            return false;
        var now = time.GetUtcNow();
        await FailExecutionAsync(s, e, new JsonObject
        {
            ["step_id"] = e.CurrentStep,
            ["message"] = $"The execution exceeded its time limit (deadline {e.DeadlineAt:O}).",
            ["code"] = ErrorCodes.Timeout,
        }, now).ConfigureAwait(false);
        await s.UpdateExecutionAsync(e).ConfigureAwait(false);
        return true;
    }

    /// <summary>Fails the execution of a poison item (one whose run or commit kept throwing) with internal_error.
    /// Its error names the exception's type only: the message may hold the store's internals, the log has it all.
    /// False when there is nothing to fail; the execution's items are then removed, so none comes back.</summary>
    public async Task<bool> FailWithInternalErrorAsync(CommitScope s, WorkItem item, int failures, Exception cause)
    {
        var e = await s.GetExecutionAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false);
        if (e is null || e.IsTerminal)
        {
            await s.Tx.DeleteWorkItemsAsync(item.Tenant, item.ExecutionId).ConfigureAwait(false);
            return false;
        }
        await FailExecutionAsync(s, e, new JsonObject
        {
            ["step_id"] = item.StepId ?? e.CurrentStep,
            ["code"] = ErrorCodes.InternalError,
            ["message"] = $"The engine failed {failures} times in a row to run or commit this execution's work and stopped it; the server log names the cause.",
            ["details"] = new JsonObject { ["exception"] = cause.GetType().Name, ["work_item_id"] = item.Id },
        }, time.GetUtcNow()).ConfigureAwait(false);
        return true;
    }

    private static ChorusException Conflict(ExecutionRecord e, string action) =>
        new(ErrorCodes.Conflict, $"Cannot {action} an execution that is {e.Status.ToWire()}.",
            new JsonObject { ["status"] = e.Status.ToWire() });

    /// <summary>Turns a failure raised while committing (e.g. a subflow whose workflow is gone) into the step's failure.</summary>
    public static StepResult.Failed AsFailure(Exception ex) => ex switch
    {
        StepConfigurationException c => new StepResult.Failed(ErrorCodes.StepConfigurationError, c.Message, Retryable: false),
        ChorusException c => new StepResult.Failed(c.Code, c.Message, c.Details, Retryable: false),
        _ => new StepResult.Failed(ErrorCodes.WorkflowExecutionError, ex.Message),
    };
}
