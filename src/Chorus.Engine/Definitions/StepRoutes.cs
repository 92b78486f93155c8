using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>The success edges a step declares, each with the field it was written in. The validator needs the
/// field to point at a dangling target; the graph needs the same edges in the same order.</summary>
internal static class StepRoutes
{
    internal const string ConditionType = "condition";

    internal readonly record struct Route(string Field, string Target);

    /// <summary><c>next</c>, then <c>next_steps</c>, then an expression-style condition's
    /// <c>config.conditions[].next</c> and <c>config.default</c>; duplicates included.</summary>
    internal static IEnumerable<Route> Success(StepDefinition step)
    {
        if (step.Next is { } next)
            yield return new Route("next", next);
        for (var i = 0; i < step.NextSteps.Count; i++)
            yield return new Route($"next_steps[{i}]", step.NextSteps[i]);
        if (!IsExpressionCondition(step, out var conditions))
            yield break;
        for (var i = 0; i < conditions.Count; i++)
        {
            if (conditions[i] is JsonObject branch && AsString(branch["next"]) is { } target)
                yield return new Route($"config.conditions[{i}].next", target);
        }
        if (AsString(step.Config["default"]) is { } fallback)
            yield return new Route("config.default", fallback);
    }

    /// <summary>Expression style: the routes live in <c>config.conditions</c> as {condition, next}. The structured
    /// style (<c>config.field</c>, a step-level <c>conditions</c> list, or a <c>config.conditions</c> list of
    /// {field, operator, value}) routes through <c>next_steps</c> instead.</summary>
    internal static bool IsExpressionCondition(StepDefinition step, out JsonArray conditions)
    {
        if (step.Type == ConditionType && step.Config["conditions"] is JsonArray array && !IsStructuredList(array))
        {
            conditions = array;
            return true;
        }
        conditions = [];
        return false;
    }

    /// <summary>A list of {field, operator, value} conditions, all of which must hold.</summary>
    internal static bool IsStructuredList(JsonArray list) => list.Count > 0 && list.All(c => c is JsonObject o && o.ContainsKey("field"));

    internal static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
