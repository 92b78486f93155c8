using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>The pure part of the runtime: given the graph and where the steps stand, decide which steps run
/// next. Steps a condition did not choose are skipped, and the skip flows on (dead-path elimination) so a
/// join never waits for a branch that will not come.</summary>
internal static class Decider
{
    /// <summary>The step finished; <paramref name="chosenNext"/> limits its successors (null: all).</summary>
    public static List<string> OnStepSucceeded(WorkflowGraph graph, ExecutionState state, string stepId, IReadOnlyList<string>? chosenNext)
    {
        var toRun = new List<string>();
        Get(state, stepId).Status = StepStatus.Completed;
        foreach (var next in graph.Successors(stepId))
            Arrive(graph, state, next, stepId, chosenNext is null || chosenNext.Contains(next), toRun);
        if (graph.ErrorSuccessor(stepId) is { } errorRoute && !graph.Successors(stepId).Contains(errorRoute))
            Arrive(graph, state, errorRoute, stepId, taken: false, toRun);
        return toRun;
    }

    /// <summary>The step failed for good and has an <c>on_error</c> route: only that route runs.</summary>
    public static List<string> OnStepFailedWithRoute(WorkflowGraph graph, ExecutionState state, string stepId)
    {
        var toRun = new List<string>();
        Get(state, stepId).Status = StepStatus.Failed;
        var errorRoute = graph.ErrorSuccessor(stepId)!;
        foreach (var next in graph.Successors(stepId).Where(s => s != errorRoute))
            Arrive(graph, state, next, stepId, taken: false, toRun);
        Arrive(graph, state, errorRoute, stepId, taken: true, toRun);
        return toRun;
    }

    /// <summary>Marks the start step scheduled.</summary>
    public static List<string> Start(WorkflowGraph graph, ExecutionState state)
    {
        Schedule(state, graph.StartStepId);
        return [graph.StartStepId];
    }

    private static void Arrive(WorkflowGraph graph, ExecutionState state, string target, string from, bool taken, List<string> toRun)
    {
        if (state.Steps.ContainsKey(target))
            return; // a step runs (or is skipped) at most once per execution
        var predecessors = graph.Predecessors(target);
        if (!graph.IsJoin(target) && taken)
        {
            Schedule(state, target);
            toRun.Add(target);
            return;
        }
        if (!state.Arrivals.TryGetValue(target, out var arrived))
            state.Arrivals[target] = arrived = new Dictionary<string, bool>(StringComparer.Ordinal);
        arrived[from] = taken;
        if (!predecessors.All(arrived.ContainsKey))
            return;
        state.Arrivals.Remove(target);
        if (arrived.Values.Any(t => t))
        {
            Schedule(state, target);
            toRun.Add(target);
        }
        else
        {
            Skip(graph, state, target, toRun);
        }
    }

    private static void Skip(WorkflowGraph graph, ExecutionState state, string stepId, List<string> toRun)
    {
        Get(state, stepId).Status = StepStatus.Skipped;
        foreach (var next in graph.Successors(stepId))
            Arrive(graph, state, next, stepId, taken: false, toRun);
        if (graph.ErrorSuccessor(stepId) is { } errorRoute)
            Arrive(graph, state, errorRoute, stepId, taken: false, toRun);
    }

    private static void Schedule(ExecutionState state, string stepId)
    {
        state.Arrivals.Remove(stepId);
        state.Steps[stepId] = new StepState { Status = StepStatus.Scheduled };
    }

    private static StepState Get(ExecutionState state, string stepId)
    {
        if (!state.Steps.TryGetValue(stepId, out var step))
            state.Steps[stepId] = step = new StepState();
        return step;
    }
}
