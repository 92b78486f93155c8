using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>The pure part of the runtime: given the graph, where the steps stand and how a step ended, decide
/// what happens next, as a list of <see cref="Decision"/>s; the state is only read. Steps a condition did not
/// choose are skipped, and the skip flows on (dead-path elimination) so a join never waits for a branch that
/// will not come. The decisions already made in one call count as applied: a decision reads the state as the
/// ones before it leave it.</summary>
internal static class Decider
{
    /// <summary>The execution starts: its start step runs.</summary>
    public static List<Decision> Start(WorkflowGraph graph) => [Decision.ScheduleStep(graph.StartStepId)];

    /// <summary>The step finished; <paramref name="chosenNext"/> limits its successors (null: all).</summary>
    public static List<Decision> OnStepSucceeded(WorkflowGraph graph, ExecutionState state, string stepId, IReadOnlyList<string>? chosenNext)
    {
        // Room for the common cases (a step and its next, a small fan-out) without growing the list.
        var decisions = new List<Decision>(4) { Decision.CompleteStep(stepId) };
        foreach (var next in graph.Successors(stepId))
            Arrive(graph, state, next, stepId, chosenNext is null || chosenNext.Contains(next), decisions);
        if (graph.ErrorSuccessor(stepId) is { } errorRoute && !graph.Successors(stepId).Contains(errorRoute))
            Arrive(graph, state, errorRoute, stepId, taken: false, decisions);
        return decisions;
    }

    /// <summary>The step failed. A retryable failure with attempts left in the round runs again after the retry
    /// policy's delay; otherwise the <c>on_error</c> route, if the step has one, is the only way on, and without
    /// one the execution fails.</summary>
    /// <param name="retryLimit">Attempts per round when the step's policy does not say (STEP_RETRY_LIMIT).</param>
    public static List<Decision> OnStepFailed(WorkflowGraph graph, ExecutionState state, Guid executionId, StepDefinition step, StepState stepState,
        bool retryable, int retryLimit)
    {
        var maxAttempts = step.Retry?.MaxAttempts ?? retryLimit;
        var attemptInRound = stepState.Attempt - stepState.RoundStart + 1;
        if (retryable && attemptInRound < maxAttempts)
        {
            var delay = (step.Retry ?? new RetryPolicy()).DelayBeforeAttempt(attemptInRound + 1, JitterSpread(executionId, step.Id, stepState.Attempt));
            return [Decision.RetryStep(step.Id, stepState.Attempt + 1, delay)];
        }
        if (graph.ErrorSuccessor(step.Id) is not { } errorRoute)
            return [Decision.FailExecution(step.Id)];
        var decisions = new List<Decision>(4) { Decision.FailStep(step.Id) };
        foreach (var next in graph.Successors(step.Id))
            if (next != errorRoute)
                Arrive(graph, state, next, step.Id, taken: false, decisions);
        Arrive(graph, state, errorRoute, step.Id, taken: true, decisions);
        return decisions;
    }

    /// <summary>Where a retry's delay falls in its jitter range, 0 to 1: spread over executions, steps and attempts, yet
    /// the same every time it is worked out for one of them (FNV-1a; string hash codes change from process to process).</summary>
    internal static double JitterSpread(Guid executionId, string stepId, int attempt)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in $"{executionId:N}:{stepId}:{attempt}")
            hash = (hash ^ c) * 1099511628211UL;
        return (hash >> 11) / (double)(1UL << 53);
    }

    private static void Arrive(WorkflowGraph graph, ExecutionState state, string target, string from, bool taken, List<Decision> decisions)
    {
        if (IsDecided(state, target, decisions))
            return; // a step runs (or is skipped) at most once per execution
        if (!graph.IsJoin(target) && taken)
        {
            decisions.Add(Decision.ScheduleStep(target));
            return;
        }
        var anyTaken = taken;
        foreach (var predecessor in graph.Predecessors(target))
        {
            if (predecessor == from)
                continue;
            if (Arrival(state, target, predecessor, decisions) is not { } wasTaken)
            {
                decisions.Add(Decision.RecordArrival(target, from, taken));
                return;
            }
            anyTaken |= wasTaken;
        }
        if (anyTaken)
            decisions.Add(Decision.ScheduleStep(target));
        else
            Skip(graph, state, target, decisions);
    }

    private static void Skip(WorkflowGraph graph, ExecutionState state, string stepId, List<Decision> decisions)
    {
        decisions.Add(Decision.SkipStep(stepId));
        foreach (var next in graph.Successors(stepId))
            Arrive(graph, state, next, stepId, taken: false, decisions);
        if (graph.ErrorSuccessor(stepId) is { } errorRoute)
            Arrive(graph, state, errorRoute, stepId, taken: false, decisions);
    }

    /// <summary>Whether the step has a state, or is given one by a decision already made.</summary>
    private static bool IsDecided(ExecutionState state, string stepId, List<Decision> decisions)
    {
        if (state.Steps.ContainsKey(stepId))
            return true;
        foreach (var d in decisions)
            if (d.StepId == stepId && d.Kind != DecisionKind.RecordArrival)
                return true;
        return false;
    }

    /// <summary>How <paramref name="from"/> arrived at <paramref name="target"/> (taken or not), or null if it has not.</summary>
    private static bool? Arrival(ExecutionState state, string target, string from, List<Decision> decisions)
    {
        for (var i = decisions.Count - 1; i >= 0; i--)
            if (decisions[i] is { Kind: DecisionKind.RecordArrival } d && d.StepId == target && d.From == from)
                return d.Taken;
        return state.Arrivals.TryGetValue(target, out var arrived) && arrived.TryGetValue(from, out var wasTaken) ? wasTaken : null;
    }
}
