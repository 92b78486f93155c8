using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>What the <see cref="Decider"/> decided should happen after a step: data, not a change. The commands
/// apply a list of them in order (<see cref="ExecutionCommands.ApplyTo"/>), so the rules live in the decider and
/// the writing in one place. A value type, so deciding allocates nothing but the list that holds the decisions.</summary>
internal readonly record struct Decision(DecisionKind Kind, string StepId, string? From = null, bool Taken = false,
    int Attempt = 0, TimeSpan Delay = default)
{
    /// <summary>The step finished with its result.</summary>
    public static Decision CompleteStep(string stepId) => new(DecisionKind.CompleteStep, stepId);

    /// <summary>The step failed for good (its failure goes on along its <c>on_error</c> route, or fails the execution).</summary>
    public static Decision FailStep(string stepId) => new(DecisionKind.FailStep, stepId);

    /// <summary>The step will not run: no edge into it was taken. The skip flows on to its successors.</summary>
    public static Decision SkipStep(string stepId) => new(DecisionKind.SkipStep, stepId);

    /// <summary>The step runs now, as the first attempt of its round.</summary>
    public static Decision ScheduleStep(string stepId) => new(DecisionKind.ScheduleStep, stepId);

    /// <summary>A predecessor of a step with several reached it (on a taken edge or a skipped one); the step waits
    /// for the others.</summary>
    public static Decision RecordArrival(string stepId, string from, bool taken) => new(DecisionKind.RecordArrival, stepId, from, taken);

    /// <summary>The failed step runs again as <paramref name="attempt"/> after <paramref name="delay"/>.</summary>
    public static Decision RetryStep(string stepId, int attempt, TimeSpan delay) =>
        new(DecisionKind.RetryStep, stepId, Attempt: attempt, Delay: delay);

    /// <summary>The step failed for good with no route for its failure: the execution fails with it.</summary>
    public static Decision FailExecution(string stepId) => new(DecisionKind.FailExecution, stepId);

    /// <summary>The status this decision gives its step, for those that give one.</summary>
    public StepStatus? Status => Kind switch
    {
        DecisionKind.CompleteStep => StepStatus.Completed,
        DecisionKind.FailStep or DecisionKind.FailExecution => StepStatus.Failed,
        DecisionKind.SkipStep => StepStatus.Skipped,
        DecisionKind.ScheduleStep or DecisionKind.RetryStep => StepStatus.Scheduled,
        _ => null,
    };
}

internal enum DecisionKind { CompleteStep, FailStep, SkipStep, ScheduleStep, RecordArrival, RetryStep, FailExecution }
