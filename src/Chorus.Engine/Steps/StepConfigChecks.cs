using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Steps;

/// <summary>The checks of a definition that need the step types: whether a step's type is known, what its
/// handler says of its config, its conditions, its templates and the execution limits its literal values break.
/// The definition validator reaches them through <see cref="IStepConfigChecks"/>, which the registry implements,
/// so definitions do not depend on the steps that are built on them.</summary>
internal static partial class StepConfigChecks
{
    public static void Check(StepDefinition step, StepRegistry registry, List<DefinitionError> errors)
    {
        CheckStep(step, registry, errors);
        CheckLimits(step, registry.Limits, errors);
    }

    /// <summary>The step's type and config, as its handler sees them, its conditions and its templates.</summary>
    private static void CheckStep(StepDefinition step, StepRegistry registry, List<DefinitionError> errors)
    {
        if (!registry.TryGet(step.Type, out var handler))
        {
            var asked = registry.External is { } external ? " " + external.DescribeServices() : "";
            errors.Add(new DefinitionError(step.Id, "type",
                $"Unknown step type '{step.Type}'. Known types: {string.Join(", ", registry.Types)}.{asked}"));
        }
        else
        {
            foreach (var issue in handler.ValidateConfig(step))
                errors.Add(new DefinitionError(step.Id, issue.Field, issue.Message));
        }

        if (step.Type == StepRoutes.ConditionType)
            CheckCondition(step, errors);

        // Most configs hold no placeholder; skipping those keeps saving cheap.
        if (HasPlaceholder(step.Config))
        {
            foreach (var error in Templates.Validate(step.Config))
                errors.Add(new DefinitionError(step.Id, "config" + DefinitionValidator.WithoutRoot(error.Path), error.Message));
        }
    }

    private static void CheckCondition(StepDefinition step, List<DefinitionError> errors)
    {
        if (StepRoutes.IsExpressionCondition(step, out var conditions))
        {
            CheckExpressionConditions(step, conditions, errors);
            return;
        }

        var list = step.Conditions ?? step.Config["conditions"] as JsonArray;
        var listPath = step.Conditions is null ? "config.conditions" : "conditions";
        if (list is not null)
        {
            if (list.Count == 0)
                errors.Add(new DefinitionError(step.Id, listPath, "A condition list needs at least one condition."));
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject condition)
                    CheckStructured(step.Id, condition, $"{listPath}[{i}].", errors);
            }
        }
        // A list may stand alone; config.field then is optional, but checked when present.
        if (list is null || step.Config.ContainsKey("field") || step.Config.ContainsKey("operator"))
            CheckStructured(step.Id, step.Config, "config.", errors);

        if (step.NextSteps.Count > 2)
            errors.Add(new DefinitionError(step.Id, "next_steps",
                "A structured condition routes to at most two steps: [if_true, if_false]."));
    }

    private static void CheckStructured(string stepId, JsonObject condition, string prefix, List<DefinitionError> errors)
    {
        if (StepRoutes.AsString(condition["field"]) is not { Length: > 0 })
            errors.Add(new DefinitionError(stepId, prefix + "field", "A condition needs a 'field' to test, as a string."));

        // Without an operator the step compares for equality.
        var op = condition.ContainsKey("operator") ? StepRoutes.AsString(condition["operator"]) : "equals";
        if (op is null)
        {
            errors.Add(new DefinitionError(stepId, prefix + "operator",
                $"'operator' must be a string: one of {string.Join(", ", ConditionOperators.All)}."));
            return;
        }
        if (!ConditionOperators.IsKnown(op))
        {
            errors.Add(new DefinitionError(stepId, prefix + "operator",
                $"Unknown operator '{op}'. Use one of {string.Join(", ", ConditionOperators.All)}."));
            return;
        }
        if (op is "exists" or "not_exists")
            return;
        if (!condition.ContainsKey("value"))
            errors.Add(new DefinitionError(stepId, prefix + "value", $"Operator '{op}' needs a 'value' to compare with."));
        // A string may be a template that renders to a list at run time.
        else if (op is "in" or "not_in" && condition["value"] is not JsonArray && StepRoutes.AsString(condition["value"]) is null)
            errors.Add(new DefinitionError(stepId, prefix + "value", $"Operator '{op}' needs a list as its 'value'."));
    }

    private static void CheckExpressionConditions(StepDefinition step, JsonArray conditions, List<DefinitionError> errors)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            var field = $"config.conditions[{i}]";
            if (conditions[i] is not JsonObject branch)
            {
                errors.Add(new DefinitionError(step.Id, field, "A condition branch must be an object with 'condition' and 'next'."));
                continue;
            }
            if (StepRoutes.AsString(branch["next"]) is null)
                errors.Add(new DefinitionError(step.Id, field + ".next", "A condition branch needs 'next': the step id to go to."));

            if (StepRoutes.AsString(branch["condition"]) is not { } text || string.IsNullOrWhiteSpace(text))
            {
                errors.Add(new DefinitionError(step.Id, field + ".condition", "A condition branch needs 'condition': an expression string."));
                continue;
            }
            // Written as a "{{ expr }}" template, the step runs the expression inside; the template check parses it.
            if (ConditionStep.Unwrap(text) != text.Trim())
                continue;
            try
            {
                Expression.Parse(text);
            }
            catch (ExpressionException ex)
            {
                errors.Add(new DefinitionError(step.Id, field + ".condition", ex.Message));
            }
        }
        if (step.Config["default"] is { } fallback && StepRoutes.AsString(fallback) is null)
            errors.Add(new DefinitionError(step.Id, "config.default", "'default' must be a step id."));
    }

    private static bool HasPlaceholder(JsonNode root)
    {
        var pending = new Stack<JsonNode>([root]);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                        if (child is not null)
                            pending.Push(child);
                    break;
                case JsonArray array:
                    foreach (var child in array)
                        if (child is not null)
                            pending.Push(child);
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    if (value.GetValue<string>().Contains("{{", StringComparison.Ordinal))
                        return true;
                    break;
            }
        }
        return false;
    }
}
