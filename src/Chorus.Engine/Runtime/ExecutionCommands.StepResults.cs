using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

internal sealed partial class ExecutionCommands
{
    /// <summary>What a worker hands over after one attempt or one resume.</summary>
    public sealed record StepOutcome
    {
        public required WorkItem Item { get; init; }
        public required StepResult Result { get; init; }
        public required DateTimeOffset StartedAt { get; init; }
        public JsonNode? Input { get; init; }
        public IReadOnlyList<StepLogEntry> Logs { get; init; } = [];
        /// <summary>Loop iterations the attempt ran, counted against the execution's budget whatever its result.</summary>
        public long LoopIterations { get; init; }
    }

    /// <summary>Commits one step outcome. Returns false when the item was stale (its lease was taken over or
    /// the execution was cancelled meanwhile): then nothing is written.</summary>
    public async Task<bool> ApplyOutcomeAsync(CommitScope s, StepOutcome outcome)
    {
        var item = outcome.Item;
        var execution = await s.CompleteWorkAndGetExecutionAsync(item).ConfigureAwait(false);
        if (execution is null || execution.IsTerminal)
            return false;
        if (!execution.State.Steps.TryGetValue(item.Step, out var state) || state.Attempt != item.Attempt ||
            state.Status is not (StepStatus.Scheduled or StepStatus.Running or StepStatus.Waiting))
            return false; // a duplicate delivery of work already decided

        var graph = await GraphOf(s, execution).ConfigureAwait(false);
        var stepId = item.Step;
        if (execution.State.PendingMigration is not null)
        {
            // The execution moves before the result is applied, so the steps after this one are the new version's.
            graph = await ApplyPendingMigrationAsync(s, execution, graph).ConfigureAwait(false);
            stepId = execution.State.Steps.First(p => ReferenceEquals(p.Value, state)).Key;
        }
        await ApplyResultAsync(s, execution, graph, graph.Step(stepId), state, outcome).ConfigureAwait(false);
        await s.UpdateExecutionAsync(execution).ConfigureAwait(false);
        s.Remember(execution);
        return true;
    }

    /// <summary>What an attempt's outcome changes in its execution (held for change by this operation): the step's run,
    /// its logs and events, the next steps scheduled or the execution ended. The caller writes the execution.</summary>
    private async Task ApplyResultAsync(CommitScope s, ExecutionRecord execution, WorkflowGraph graph, StepDefinition step, StepState state, StepOutcome outcome)
    {
        var now = time.GetUtcNow();
        execution.State.LoopIterations += outcome.LoopIterations;
        var result = CheckResult(step, outcome.Result) ?? outcome.Result;
        var input = Bounded(outcome.Input);
        var startedAt = state.StartedAt ?? outcome.StartedAt;
        foreach (var log in outcome.Logs)
            await InsertLogAsync(s, new LogRecord
            {
                Tenant = execution.Tenant, ExecutionId = execution.Id, StepId = step.Id, Level = log.Level,
                Message = log.Message, Data = log.Data, At = now,
            }).ConfigureAwait(false);

        switch (result)
        {
            case StepResult.Completed done:
                await CompleteStepAsync(s, execution, graph, step, state, done, startedAt, input, now).ConfigureAwait(false);
                break;
            case StepResult.Failed failed:
                await FailStepAsync(s, execution, graph, step, state, failed with { Details = Bounded(failed.Details) }, startedAt, input, now).ConfigureAwait(false);
                break;
            default:
                await WaitStepAsync(s, execution, step, state, result, startedAt, input, now).ConfigureAwait(false);
                break;
        }
        await RecordSearchAttributesAsync(s, execution, graph).ConfigureAwait(false);
    }

    private async Task CompleteStepAsync(CommitScope s, ExecutionRecord e, WorkflowGraph graph, StepDefinition step, StepState state,
        StepResult.Completed done, DateTimeOffset startedAt, JsonNode? input, DateTimeOffset now)
    {
        var undo = MergeResult(e, step, done);
        if (CheckContext(step, e) is { } tooLarge)
        {
            undo();
            await FailStepAsync(s, e, graph, step, state, tooLarge, startedAt, input, now).ConfigureAwait(false);
            return;
        }
        e.State.LastCompleted = step.Id;
        var decisions = Decider.OnStepSucceeded(graph, e.State, step.Id, done.ChosenNext);
        ApplyTo(e.State, decisions);
        await Log(s, e, step.Id, "info", $"Step '{step.Name}' completed in {(long)(now - startedAt).TotalMilliseconds} ms" +
            DescribeNext(decisions)).ConfigureAwait(false);
        await ScheduleAsync(s, e, decisions, now).ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.StepDone(e, now, step.Id, step.Name, done.Output,
            (long)(now - startedAt).TotalMilliseconds, FirstScheduled(decisions))).ConfigureAwait(false);
        await SettleAsync(s, e, graph, now, step.Name).ConfigureAwait(false);
        await SaveRunAsync(s, e, step, state.Attempt, "completed", input, done.Output, null, startedAt, now, done.Variables, done.ChosenNext).ConfigureAwait(false);
    }

    /// <summary>Writes the output and variables into the context; returns how to put back what was replaced,
    /// for a result that breaks the budget. Replaced nodes are detached by the assignment, so they can go back.</summary>
    private static Action MergeResult(ExecutionRecord e, StepDefinition step, StepResult.Completed done)
    {
        var context = e.Context;
        var hadOutput = context.TryGetPropertyValue(step.Id, out var oldOutput);
        context[step.Id] = done.Output?.DeepClone();
        var hadVariables = context.TryGetPropertyValue("variables", out var oldVariables);
        var replaced = new List<(string Name, bool Had, JsonNode? Old)>();
        if (done.Variables is { Count: > 0 })
        {
            if (oldVariables is not JsonObject)
                context["variables"] = new JsonObject();
            var variables = (JsonObject)context["variables"]!;
            foreach (var (name, value) in done.Variables)
            {
                replaced.Add((name, variables.TryGetPropertyValue(name, out var old), old));
                variables[name] = value?.DeepClone();
            }
        }
        return () =>
        {
            if (oldVariables is JsonObject variables)
            {
                foreach (var (name, had, old) in Enumerable.Reverse(replaced))
                {
                    if (had)
                        variables[name] = old;
                    else
                        variables.Remove(name);
                }
            }
            else if (replaced.Count > 0 && hadVariables)
                context["variables"] = oldVariables;
            else if (replaced.Count > 0)
                context.Remove("variables");
            if (hadOutput)
                context[step.Id] = oldOutput;
            else
                context.Remove(step.Id);
        };
    }

    private async Task FailStepAsync(CommitScope s, ExecutionRecord e, WorkflowGraph graph, StepDefinition step, StepState state,
        StepResult.Failed failed, DateTimeOffset startedAt, JsonNode? input, DateTimeOffset now)
    {
        var error = StepError(step, failed);
        var attempt = state.Attempt; // a retry's decision moves the state on to the next attempt
        var decisions = Decider.OnStepFailed(graph, e.State, e.Id, step, state, failed.Retryable, options.StepRetryLimit);
        ApplyTo(e.State, decisions);
        if (decisions[0] is { Kind: DecisionKind.RetryStep } retry)
        {
            await AddRetryAsync(s, e, retry, now).ConfigureAwait(false);
            await Log(s, e, step.Id, "warning",
                $"Attempt {retry.Attempt - 1} failed ({failed.Code}: {failed.Message}); attempt {retry.Attempt} in {retry.Delay.TotalMilliseconds:0} ms").ConfigureAwait(false);
            await SaveRunAsync(s, e, step, attempt, "failed", input, null, error, startedAt, now).ConfigureAwait(false);
            return;
        }
        await Log(s, e, step.Id, "error", $"Step failed: {failed.Message}").ConfigureAwait(false);
        if (decisions[0].Kind == DecisionKind.FailExecution)
        {
            await FailExecutionAsync(s, e, error, now).ConfigureAwait(false);
            await SaveRunAsync(s, e, step, attempt, "failed", input, null, error, startedAt, now).ConfigureAwait(false);
            return;
        }
        // The on_error route reads the failure where a completed step leaves its output.
        e.Context[step.Id] = new JsonObject { ["error"] = error.DeepClone() };
        await ScheduleAsync(s, e, decisions, now).ConfigureAwait(false);
        await SettleAsync(s, e, graph, now, step.Name).ConfigureAwait(false);
        await SaveRunAsync(s, e, step, attempt, "failed", input, null, error, startedAt, now,
            next: [graph.ErrorSuccessor(step.Id)!]).ConfigureAwait(false);
    }

    private async Task WaitStepAsync(CommitScope s, ExecutionRecord e, StepDefinition step, StepState state, StepResult result,
        DateTimeOffset startedAt, JsonNode? input, DateTimeOffset now)
    {
        state.Status = StepStatus.Waiting;
        state.StartedAt = startedAt;
        switch (result)
        {
            case StepResult.WaitUntil until:
                await AddResumeAsync(s, e, step.Id, state.Attempt, until.DueAt, new JsonObject { ["output"] = until.Output?.DeepClone() }).ConfigureAwait(false);
                break;
            case StepResult.WaitForSignal signal:
                state.WaitingFor = signal.Name;
                state.SignalKind = signal.Kind == SignalKind.ManualInput ? "manual_input" : "event";
                state.InputSchema = signal.InputSchema?.DeepClone() as JsonObject;
                if (signal.Kind == SignalKind.Event && await s.Tx.TakeSignalAsync(e.Tenant, e.Id, signal.Name).ConfigureAwait(false) is { } early)
                {
                    state.WaitingFor = null;
                    await AddResumeAsync(s, e, step.Id, state.Attempt, now, new JsonObject { ["output"] = early.Data?.DeepClone() }).ConfigureAwait(false);
                }
                break;
            case StepResult.StartChild child:
                var childRecord = await StartChildAsync(s, e, step, child).ConfigureAwait(false);
                state.Child = childRecord.Id;
                break;
        }
        e.CurrentStep = step.Id;
        if (e.Status == ExecutionStatus.Running && !e.State.HasRunnableSteps)
            e.Status = ExecutionStatus.Waiting;
        await SaveRunAsync(s, e, step, state.Attempt, "waiting", input, null, null, startedAt, null).ConfigureAwait(false);
        await Log(s, e, step.Id, "info", $"Step '{step.Name}' is waiting for {DescribeWait(result)}").ConfigureAwait(false);
        await s.AddEventAsync(ExecutionEvents.ExecutionUpdate(e, now, step.Name, $"Waiting for {DescribeWait(result)}")).ConfigureAwait(false);
    }

    private static string DescribeWait(StepResult result) => result switch
    {
        StepResult.WaitUntil u => $"the time {u.DueAt:O}",
        StepResult.WaitForSignal { Kind: SignalKind.ManualInput } => "manual input",
        StepResult.WaitForSignal w => $"the event '{w.Name}'",
        StepResult.StartChild c => $"a child execution of workflow {c.WorkflowId}",
        _ => "something external",
    };

    private static JsonObject StepError(StepDefinition step, StepResult.Failed failed) => new()
    {
        ["step_id"] = step.Id,
        ["step_name"] = step.Name,
        ["message"] = failed.Message,
        ["code"] = failed.Code,
        ["details"] = failed.Details?.DeepClone(),
    };
}
