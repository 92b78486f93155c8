using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>The mapping rules of a migration, pure so that the dry run and the move (which plans again inside its
/// transaction) cannot disagree.</summary>
internal static class MigrationPlanner
{
    /// <param name="retrying">Plans a failed execution's retry on another version: the steps it is at are the failed
    /// steps a retry runs again (as <c>RetryAsync</c> picks them), and they may change type, since they run anew.</param>
    public static MigrationPlan Plan(ExecutionRecord e, WorkflowGraph from, WorkflowGraph to, int toVersion, IReadOnlyDictionary<string, string> mapping,
        bool retrying = false)
    {
        MigrationPlan No(string reason, string message, IReadOnlyList<StepMapping>? steps = null) => new()
        {
            ExecutionId = e.Id, FromVersion = e.WorkflowVersion, ToVersion = toVersion, Movable = false, Reason = reason, Message = message,
            Mapping = steps ?? [],
        };
        if (e.IsTerminal && !retrying)
            return No(MigrationReasons.Ended, $"The execution is {e.Status.ToWire()}; only executions under way move.");
        if (e.WorkflowVersion == toVersion)
            return No(MigrationReasons.SameVersion, $"The execution runs version {toVersion} already.");
        var active = e.State.Steps.Where(p => retrying
                ? p.Value.Status == StepStatus.Failed && !e.Context.ContainsKey(p.Key)
                : p.Value.Status is StepStatus.Scheduled or StepStatus.Running or StepStatus.Waiting)
            .OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var steps = active.Select(p => new StepMapping(p.Key, mapping.GetValueOrDefault(p.Key) ?? p.Key)).ToList();
        foreach (var (step, (_, state)) in steps.Zip(active))
        {
            if (!to.Contains(step.ToStep))
                return No(MigrationReasons.StepRemoved, step.ToStep == step.FromStep
                    ? $"The execution is at step '{step.FromStep}', which version {toVersion} does not have; map it onto one of its steps."
                    : $"Step '{step.FromStep}' is mapped onto '{step.ToStep}', which version {toVersion} does not have.", steps);
            var oldType = from.Contains(step.FromStep) ? from.Step(step.FromStep).Type : null;
            // A scheduled step has not started (nor will a failed one that a retry runs again): it may run as another type. One running or waiting holds a result
            // or a wait of its own type, which a step of another type could not take.
            if (state.Status is not (StepStatus.Scheduled or StepStatus.Failed) && oldType != to.Step(step.ToStep).Type)
                return No(MigrationReasons.StepTypeChanged,
                    $"Step '{step.FromStep}' ({oldType}) is {state.Status.ToString().ToLowerInvariant()}, and '{step.ToStep}' is a {to.Step(step.ToStep).Type} step on version {toVersion}.", steps);
            if (state.Child is not null && step.ToStep != step.FromStep)
                return No(MigrationReasons.MappingAmbiguous,
                    $"Step '{step.FromStep}' waits for a subflow, whose end resumes it by its id: it cannot be renamed to '{step.ToStep}'.", steps);
        }
        if (steps.GroupBy(s => s.ToStep).FirstOrDefault(g => g.Count() > 1) is { } shared)
            return No(MigrationReasons.MappingAmbiguous,
                $"Steps {string.Join(", ", shared.Select(s => $"'{s.FromStep}'"))} would all move onto step '{shared.Key}'.", steps);
        // Renaming onto a step the execution ran already would mix that run's state with this one's.
        if (steps.FirstOrDefault(s => s.ToStep != s.FromStep && e.State.Steps.ContainsKey(s.ToStep) && steps.All(o => o.FromStep != s.ToStep)) is { } clash)
            return No(MigrationReasons.MappingAmbiguous,
                $"Step '{clash.FromStep}' is mapped onto '{clash.ToStep}', a step this execution ran already.", steps);
        try
        {
            InputValidation.Check(to.Definition.InputSchema, e.Input);
        }
        catch (ChorusException ex)
        {
            return No(MigrationReasons.InputInvalid, $"The execution's input does not fit version {toVersion}: {ex.Message}", steps);
        }
        return new MigrationPlan { ExecutionId = e.Id, FromVersion = e.WorkflowVersion, ToVersion = toVersion, Movable = true, Mapping = steps };
    }

    /// <summary>Where the execution's steps stand, as a rollback compares it: any step run or decided since changes it.</summary>
    public static string Progress(ExecutionState state) => string.Join(";", state.Steps.OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => $"{p.Key}:{p.Value.Status}:{p.Value.Attempt}"));
}
