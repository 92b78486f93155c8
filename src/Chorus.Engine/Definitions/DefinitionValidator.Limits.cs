namespace Chorus.Engine.Definitions;

/// <summary>What the duration maxima refuse before anything runs: values written in the definition itself.</summary>
internal static partial class DefinitionValidator
{
    private static void CheckDurations(WorkflowDefinition definition, List<DefinitionError> errors)
    {
        if (definition.Timeout > DurationLimits.MaxExecutionTimeout)
            errors.Add(TooLong(null, "timeout", DurationLimits.MaxExecutionTimeout));
        foreach (var step in definition.Steps)
        {
            if (step.Timeout > DurationLimits.MaxStepTimeout)
                errors.Add(TooLong(step.Id, "timeout", DurationLimits.MaxStepTimeout));
            // Without its own max_interval a policy takes the initial one: one error says it all.
            if (step.Retry?.InitialInterval > DurationLimits.MaxRetryInterval)
                errors.Add(TooLong(step.Id, "retry.initial_interval", DurationLimits.MaxRetryInterval));
            else if (step.Retry?.MaxInterval > DurationLimits.MaxRetryInterval)
                errors.Add(TooLong(step.Id, "retry.max_interval", DurationLimits.MaxRetryInterval));
        }
    }

    private static DefinitionError TooLong(string? stepId, string field, TimeSpan limit) =>
        new(stepId, field, $"'{field}' may be at most {DurationLimits.Describe(limit)}.");
}
