using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>Where the <see cref="Decider"/>'s decisions become changes: the step states first, then the work
/// items they call for. Ending the execution (a failure, or no step left) stays with the commands that end it.</summary>
internal sealed partial class ExecutionCommands
{
    /// <summary>Gives each decided step its new state, in the order decided.</summary>
    public static void ApplyTo(ExecutionState state, List<Decision> decisions)
    {
        foreach (var d in decisions)
        {
            switch (d.Kind)
            {
                case DecisionKind.CompleteStep or DecisionKind.FailStep or DecisionKind.FailExecution:
                    StepOf(state, d.StepId).Status = d.Status!.Value;
                    break;
                case DecisionKind.SkipStep:
                    state.Arrivals.Remove(d.StepId);
                    StepOf(state, d.StepId).Status = StepStatus.Skipped;
                    break;
                case DecisionKind.ScheduleStep:
                    state.Arrivals.Remove(d.StepId);
                    state.Steps[d.StepId] = new StepState { Status = StepStatus.Scheduled };
                    break;
                case DecisionKind.RecordArrival:
                    if (!state.Arrivals.TryGetValue(d.StepId, out var arrived))
                        state.Arrivals[d.StepId] = arrived = new Dictionary<string, bool>(StringComparer.Ordinal);
                    arrived[d.From!] = d.Taken;
                    break;
                case DecisionKind.RetryStep:
                    var retried = state.Steps[d.StepId];
                    retried.Attempt = d.Attempt;
                    retried.Status = StepStatus.Scheduled;
                    retried.StartedAt = null;
                    break;
            }
        }
    }

    /// <summary>Queues a run of each step the decisions schedule.</summary>
    private async Task ScheduleAsync(CommitScope s, ExecutionRecord execution, List<Decision> decisions, DateTimeOffset now)
    {
        foreach (var d in decisions)
            if (d.Kind == DecisionKind.ScheduleStep)
                await AddRunAsync(s, execution, d.StepId, now).ConfigureAwait(false);
    }

    /// <summary>Queues the next attempt of a failed step, after its retry delay.</summary>
    private static Task AddRetryAsync(CommitScope s, ExecutionRecord e, Decision retry, DateTimeOffset now) =>
        s.AddWorkAsync(new WorkItem
        {
            Tenant = e.Tenant, ExecutionId = e.Id, StepId = retry.StepId, Kind = WorkItemKind.Run, Attempt = retry.Attempt,
            DueAt = now + retry.Delay, Suspended = e.Status == ExecutionStatus.Paused,
        });

    /// <summary>The first step the decisions schedule, or null.</summary>
    private static string? FirstScheduled(List<Decision> decisions)
    {
        foreach (var d in decisions)
            if (d.Kind == DecisionKind.ScheduleStep)
                return d.StepId;
        return null;
    }

    /// <summary>"; next: a, b" for the steps the decisions schedule, or "" when none.</summary>
    private static string DescribeNext(List<Decision> decisions)
    {
        var scheduled = 0;
        foreach (var d in decisions)
            if (d.Kind == DecisionKind.ScheduleStep)
                scheduled++;
        return scheduled switch
        {
            0 => "",
            1 => "; next: " + FirstScheduled(decisions),
            _ => "; next: " + string.Join(", ", decisions.Where(d => d.Kind == DecisionKind.ScheduleStep).Select(d => d.StepId)),
        };
    }

    private static StepState StepOf(ExecutionState state, string stepId)
    {
        if (!state.Steps.TryGetValue(stepId, out var step))
            state.Steps[stepId] = step = new StepState();
        return step;
    }
}
