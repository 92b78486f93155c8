using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Steps;

/// <summary>Chooses a branch. Structured style (seed 002): {field, operator, value} in the config or a
/// step-level list (all must hold), routed by next_steps [if_true, if_false]. Expression style (seed 003):
/// config.conditions [{condition, next}] with a default; the first condition that holds wins.</summary>
internal sealed class ConditionStep : IStepHandler
{
    public string Type => "condition";

    public bool IsPure(StepDefinition step) => true;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var raw = context.Step.Config;
        var result = raw["conditions"] is JsonArray list && !StepRoutes.IsStructuredList(list)
            ? RunExpressions(context, list)
            : RunStructured(context);
        return Task.FromResult(result);
    }

    private static StepResult RunStructured(StepExecutionContext context)
    {
        var holds = StructuredConditions(context).All(c => Holds(c, context.Data));
        var next = context.Step.NextSteps.Count > 0 ? context.Step.NextSteps : context.Step.Next is { } n ? [n] : [];
        var chosen = holds ? next.ElementAtOrDefault(0) : next.ElementAtOrDefault(1);
        return Route(StepJson.Object(("result", holds), ("next", chosen)), chosen);
    }

    private static IEnumerable<JsonObject> StructuredConditions(StepExecutionContext context)
    {
        if (context.Step.Conditions is { } stepLevel)
            return Objects(context.Render(stepLevel));
        if (context.Config["conditions"] is JsonArray list)
            return Objects(list);
        return [context.Config];
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node) =>
        node is JsonArray array ? array.Select(item => item as JsonObject ?? throw new StepConfigurationException("Each condition must be an object.")) : [];

    private static bool Holds(JsonObject condition, JsonObject data)
    {
        var field = StepJson.String(condition, "field") ?? throw new StepConfigurationException("A condition needs 'field'.");
        var op = StepJson.String(condition, "operator") ?? "equals";
        var actual = Resolve(data, field, out var found);
        return ConditionOperators.Evaluate(op, actual, found, condition["value"]);
    }

    /// <summary>Seed 002 writes bare names ("email") for variables and input fields, and step outputs as
    /// "step.field"; a "$." path is read from the root only.</summary>
    internal static JsonNode? Resolve(JsonObject data, string field, out bool found)
    {
        if (field.TrimStart().StartsWith('$'))
            return StepJson.Walk(data, field, out found);
        foreach (var scope in new[] { data["variables"], data["input"] })
        {
            var value = StepJson.Walk(scope, field, out found);
            if (found)
                return value;
        }
        return StepJson.Walk(data, field, out found);
    }

    private static StepResult RunExpressions(StepExecutionContext context, JsonArray conditions)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            var item = conditions[i] as JsonObject ?? throw new StepConfigurationException($"conditions[{i}] must be an object.");
            var text = StepJson.String(item, "condition") ?? throw new StepConfigurationException($"conditions[{i}].condition is required.");
            if (Evaluate(Unwrap(text), context.Data, i))
            {
                var next = StepJson.String(item, "next");
                return Route(StepJson.Object(("result", true), ("matched_index", i), ("next", next)), next);
            }
        }
        var fallback = StepJson.String(context.Step.Config, "default");
        return Route(StepJson.Object(("result", false), ("matched_index", null), ("next", fallback)), fallback);
    }

    /// <summary>An expression error is the definition's fault and would fail the same way again.</summary>
    private static bool Evaluate(string text, JsonObject data, int index)
    {
        try
        {
            return ExpressionCache.Get(text).EvaluateCondition(data);
        }
        catch (ExpressionException ex)
        {
            throw new StepConfigurationException($"conditions[{index}].condition '{text}': {ex.Message}");
        }
    }

    /// <summary>Editors sometimes save a condition as a template; the expression is the same.</summary>
    internal static string Unwrap(string text)
    {
        var t = text.Trim();
        return t.StartsWith("{{", StringComparison.Ordinal) && t.EndsWith("}}", StringComparison.Ordinal) ? t[2..^2].Trim() : t;
    }

    private static StepResult.Completed Route(JsonObject output, string? chosen) =>
        new(output, chosen is null ? [] : [chosen]);

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        if (step.Conditions is { } stepLevel)
            return ValidateStructuredList(stepLevel, "conditions");
        if (config["conditions"] is JsonArray list)
            return StepRoutes.IsStructuredList(list) ? ValidateStructuredList(list, "config.conditions") : ValidateExpressions(config, list);
        if (config.ContainsKey("conditions"))
            return [new("config.conditions", "Must be an array of {condition, next}.")];
        return ValidateStructured(config, "config");
    }

    private static IEnumerable<StepConfigIssue> ValidateStructuredList(JsonArray list, string path)
    {
        if (list.Count == 0)
            return [new(path, "Needs at least one condition.")];
        return list.SelectMany((item, i) => item is JsonObject obj
            ? ValidateStructured(obj, $"{path}[{i}]")
            : [new StepConfigIssue($"{path}[{i}]", "Must be an object {field, operator, value}.")]);
    }

    private static IEnumerable<StepConfigIssue> ValidateStructured(JsonObject condition, string path)
    {
        if (StepJson.String(condition, "field") is not { Length: > 0 })
            yield return new($"{path}.field", "Required: the path of the value to test, e.g. \"email\" or \"enrich_data.success\".");
        if (condition.ContainsKey("operator") && StepJson.String(condition, "operator") is not { } op)
            yield return new($"{path}.operator", "Must be a string.");
        else if (StepJson.String(condition, "operator") is { } name && !ConditionOperators.IsKnown(name))
            yield return new($"{path}.operator", $"Unknown operator '{name}'; known: {string.Join(", ", ConditionOperators.All)}.");
    }

    private static IEnumerable<StepConfigIssue> ValidateExpressions(JsonObject config, JsonArray list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item)
            {
                yield return new($"config.conditions[{i}]", "Must be an object {condition, next}.");
                continue;
            }
            if (StepJson.String(item, "condition") is not { Length: > 0 })
                yield return new($"config.conditions[{i}].condition", "Required: an expression such as \"$.a.b == true\".");
            if (item.ContainsKey("next") && !StepJson.IsString(item["next"]))
                yield return new($"config.conditions[{i}].next", "Must be a step id.");
        }
        if (config.ContainsKey("default") && config["default"] is not null && !StepJson.IsString(config["default"]))
            yield return new("config.default", "Must be a step id.");
    }
}
