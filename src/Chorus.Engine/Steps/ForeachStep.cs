using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Steps;

/// <summary>A bounded loop [002]: runs config.step once per item, in order, with <c>$.item</c> and
/// <c>$.index</c> visible to the body's templates and expressions. Output {items: [outputs], count}.
/// Only the fields needed before the loop are rendered up front: the body's templates refer to an item that
/// does not exist yet.</summary>
internal sealed class ForeachStep(StepRegistry registry) : IStepHandler
{
    public string Type => "foreach";

    public const int DefaultMaxItems = 100;
    public const int HardMaxItems = 1000;

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var raw = context.Step.Config;
        var items = Items(context);
        var max = StepJson.Integer(context.Render(raw["max_items"])) ?? DefaultMaxItems;
        if (max < 1 || max > HardMaxItems)
            throw new StepConfigurationException($"config.max_items must be between 1 and {HardMaxItems}.");
        if (items.Count > max)
            return new StepResult.Failed("foreach_limit_exceeded", $"{items.Count} items is more than max_items ({max}).",
                StepJson.Object(("count", items.Count), ("max_items", max)), Retryable: false);
        if (raw["step"] is not JsonObject body)
            throw new StepConfigurationException("config.step must be {type, config}.");
        var (type, bodyConfig) = InlineStep.Describe(body);
        // The whole loop is taken before it runs: nested loops multiply, and one that cannot finish within the
        // execution's budget should fail now, not after using most of it.
        if (!context.Loops.TryTake(items.Count))
            return new StepResult.Failed(ErrorCodes.LoopBudgetExceeded,
                $"{items.Count} more iterations would pass the execution's loop budget of {context.Loops.Max} (LOOP_MAX_ITERATIONS); {context.Loops.Used} used.",
                StepJson.Object(("count", items.Count), ("used", context.Loops.Used), ("max_iterations", context.Loops.Max)), Retryable: false);

        var results = new List<StepResult>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scope = (JsonObject)context.Data.DeepClone();
            scope["item"] = items[i]?.DeepClone();
            scope["index"] = i;
            // The body's config is rendered here, per item, from the raw definition: the step's own rendering
            // ran without an item and would have filled "{{ $.item }}" with nothing.
            var rendered = StepExecutionContext.RenderOnce(bodyConfig, scope, context.Limits.MaxContextBytes) as JsonObject ?? new JsonObject();
            var id = $"{context.Step.Id}[{i}]";
            var result = await InlineStep.RunAsync(context, id, type, rendered, scope, cancellationToken).ConfigureAwait(false);
            if (result is StepResult.Failed failed)
                return failed with { Message = $"{id}: {failed.Message}" };
            results.Add(result);
        }
        var outputs = results.Cast<StepResult.Completed>().Select(c => c.Output?.DeepClone()).ToArray();
        return new StepResult.Completed(StepJson.Object(("items", new JsonArray(outputs)), ("count", outputs.Length)),
            Variables: InlineStep.MergeVariables(results));
    }

    private static JsonArray Items(StepExecutionContext context)
    {
        var raw = context.Step.Config;
        JsonNode? items;
        if (StepJson.String(raw, "items_expression") is { } expression)
        {
            try
            {
                items = ExpressionCache.Get(expression).Evaluate(context.Data);
            }
            catch (ExpressionException ex)
            {
                throw new StepConfigurationException($"config.items_expression '{expression}': {ex.Message}");
            }
        }
        else
            items = context.Render(raw["items"]);
        return items as JsonArray
            ?? throw new StepConfigurationException($"foreach items must be an array, got {items?.GetValueKind().ToString() ?? "null"}.");
    }

    private static string? ParseProblem(string expression)
    {
        try
        {
            Expression.Parse(expression);
            return null;
        }
        catch (ExpressionException ex)
        {
            return ex.Message;
        }
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        var hasItems = config.ContainsKey("items");
        var hasExpression = config.ContainsKey("items_expression");
        if (hasItems == hasExpression)
            yield return new("config.items", "Give exactly one of config.items (an array or a template) or config.items_expression.");
        else if (hasItems && config["items"] is not JsonArray && !StepJson.IsTemplate(config["items"]))
            yield return new("config.items", "Must be an array or a \"{{ }}\" template that yields one.");
        else if (hasExpression && StepJson.String(config, "items_expression") is not { Length: > 0 })
            yield return new("config.items_expression", "Must be an expression such as \"$.input.list\".");
        else if (hasExpression && ParseProblem(StepJson.String(config, "items_expression")!) is { } problem)
            yield return new("config.items_expression", problem);

        if (config.ContainsKey("max_items") && !StepJson.IsTemplate(config["max_items"])
            && StepJson.Integer(config["max_items"]) is not (>= 1 and <= HardMaxItems))
            yield return new("config.max_items", $"Must be a whole number from 1 to {HardMaxItems}.");

        if (config["step"] is not JsonObject body)
            yield return new("config.step", "Required: the body to run per item, {type, config}.");
        else
            foreach (var issue in InlineStep.Validate(body, "config.step", registry))
                yield return issue;
    }
}
