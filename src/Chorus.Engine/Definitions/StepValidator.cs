using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Definitions;

/// <summary>Checks one step the way the editor sees it (seed 003's validate-step): its shape, type, config and
/// expressions, and that its targets are among the steps the editor says exist.</summary>
public static class StepValidator
{
    public sealed record Result(IReadOnlyList<DefinitionError> Errors, IReadOnlyList<StepWarning> Warnings);

    public sealed record StepWarning(string Code, string Message, string Field);

    /// <param name="availableSteps">Ids of the other steps of the workflow; null means targets are not checked.</param>
    public static Result Validate(JsonObject stepJson, IReadOnlyCollection<string>? availableSteps, IStepConfigChecks steps)
    {
        var probe = new JsonObject { ["name"] = "validate-step", ["steps"] = new JsonArray(stepJson.DeepClone()) };
        var parsed = DefinitionParser.Parse(probe, out var shapeErrors);
        if (parsed is null || shapeErrors.Count > 0)
            return new Result(shapeErrors, []);
        var step = parsed.Steps[0];
        // Stand-ins for the other steps let the graph checks run on one step: comments are exempt from the
        // reachability check, so only this step's own problems remain.
        var others = availableSteps ?? StepRoutes.Success(step).Select(r => r.Target).Append(step.OnError).OfType<string>().ToList();
        var stubs = others.Where(id => id != step.Id).Distinct().Select(id => new StepDefinition { Id = id, Name = id, Type = "comment" });
        var definition = parsed with { Steps = [step, .. stubs] };
        var errors = DefinitionValidator.Validate(definition, steps).Where(e => e.StepId == step.Id).ToList();
        return new Result(errors, Warnings(step));
    }

    private static List<StepWarning> Warnings(StepDefinition step)
    {
        var warnings = new List<StepWarning>();
        if (!StepRoutes.IsExpressionCondition(step, out var conditions))
            return warnings;
        for (var i = 0; i < conditions.Count; i++)
        {
            if (conditions[i] is not JsonObject branch || branch["condition"] is not JsonValue v || !v.TryGetValue<string>(out var text))
                continue;
            try
            {
                foreach (var warning in ExpressionCache.Get(text).Warnings)
                    warnings.Add(new StepWarning(warning.Code, warning.Message, $"config.conditions[{i}].condition"));
            }
            catch (ExpressionException)
            {
                // Reported as an error by the validator.
            }
        }
        return warnings;
    }
}
