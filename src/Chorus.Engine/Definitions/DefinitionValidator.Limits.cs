using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Definitions;

/// <summary>What the execution limits and duration maxima refuse before anything runs: values written in the
/// definition itself. Values that come from templates are checked again when the step runs.</summary>
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

    /// <summary>Field paths and loops written literally, in the step and in the bodies it runs inline.</summary>
    private static void CheckLimits(StepDefinition step, ExecutionLimits limits, List<DefinitionError> errors)
    {
        foreach (var (field, message) in ConfigIssues(step.Type, step.Config, "config", limits))
            errors.Add(new DefinitionError(step.Id, field, message));
        if (step.Type == "foreach" && LiteralIterations(step.Config) is var iterations && iterations > limits.MaxLoopIterations)
            errors.Add(new DefinitionError(step.Id, "config.items",
                $"The loop runs {iterations} iterations (nested loops included); an execution may run at most {limits.MaxLoopIterations} (LOOP_MAX_ITERATIONS)."));
    }

    private static IEnumerable<(string Field, string Message)> ConfigIssues(string type, JsonObject config, string prefix, ExecutionLimits limits)
    {
        foreach (var (field, path) in FieldPaths(type, config, prefix))
            if (PathIssue(path, limits) is { } message)
                yield return (field, message);
        var bodies = new List<(JsonObject Body, string At)>();
        if (type == "foreach" && config["step"] is JsonObject loopBody)
            bodies.Add((loopBody, $"{prefix}.step"));
        if (type == "parallel" && config["parallel_steps"] is JsonArray branches)
            for (var i = 0; i < branches.Count; i++)
                if (branches[i] is JsonObject branch)
                    bodies.Add((branch, $"{prefix}.parallel_steps[{i}]"));
        foreach (var (body, at) in bodies)
        {
            var (innerType, innerConfig) = InlineStep.Describe(body);
            // {type, config} holds its config under "config"; a bare object is an action config itself.
            var innerPrefix = StepJson.String(body, "type") is null ? at : $"{at}.config";
            foreach (var issue in ConfigIssues(innerType, innerConfig, innerPrefix, limits))
                yield return issue;
        }
    }

    /// <summary>The variable paths a step writes, where they are literal (a template is checked when rendered).</summary>
    private static IEnumerable<(string Field, string Path)> FieldPaths(string type, JsonObject config, string prefix)
    {
        if (type == "addField")
        {
            if (StepJson.String(config, "field") is { } field && !field.Contains("{{", StringComparison.Ordinal))
                yield return ($"{prefix}.field", field);
            if (config["fields"] is JsonObject fields)
                foreach (var (name, _) in fields)
                    if (!name.Contains("{{", StringComparison.Ordinal))
                        yield return ($"{prefix}.fields", name);
        }
        if (type == "action" && StepJson.String(config, "action") == "set_variable")
        {
            var key = config.ContainsKey("name") ? "name" : "variable";
            if (StepJson.String(config, key) is { } name && !name.Contains("{{", StringComparison.Ordinal))
                yield return ($"{prefix}.{key}", name);
        }
    }

    private static string? PathIssue(string path, ExecutionLimits limits)
    {
        try
        {
            VariableWriter.CheckLimits(path, StepJson.Segments(path).ToList(), limits);
            return null;
        }
        catch (LimitExceededException ex)
        {
            return ex.Message;
        }
        catch (StepConfigurationException)
        {
            return null; // a malformed path is the handler's to report
        }
    }

    /// <summary>Iterations a foreach of literal item lists runs, nested literal loops included: each item runs
    /// the body once. Lists from templates count as empty, so this is a lower bound.</summary>
    private static long LiteralIterations(JsonObject config)
    {
        if (config["items"] is not JsonArray items)
            return 0;
        long inner = 0;
        if (config["step"] is JsonObject body && InlineStep.Describe(body) is ("foreach", var innerConfig))
            inner = LiteralIterations(innerConfig);
        // Saturates rather than overflows: anything past the budget is refused the same.
        return (long)Math.Min((double)items.Count * (1 + inner), long.MaxValue / 2);
    }
}
