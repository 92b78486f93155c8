using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Gathers branch results [001][002]. The engine runs it once every predecessor finished or was
/// skipped, so only the outputs present in the context are collected; skipped branches leave no key.</summary>
internal sealed class JoinStep : IStepHandler
{
    public string Type => "join";

    public bool IsPure(StepDefinition step) => true;

    private static readonly string[] Modes = ["by_step", "merge"];

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var merge = StepJson.String(context.Config, "mode") == "merge";
        var output = new JsonObject();
        foreach (var id in context.Predecessors)
        {
            if (!context.Data.TryGetPropertyValue(id, out var value))
                continue;
            if (merge && value is JsonObject obj)
            {
                // Later predecessors win on a shared key; predecessor order is the definition's order.
                foreach (var (key, item) in obj)
                    output[key] = item?.DeepClone();
            }
            else
            {
                output[id] = value?.DeepClone();
            }
        }
        return Task.FromResult<StepResult>(StepResult.Done(output));
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        if (step.Config.ContainsKey("mode") && (StepJson.String(step.Config, "mode") is not { } mode || !Modes.Contains(mode)))
            yield return new("config.mode", $"Must be one of: {string.Join(", ", Modes)}.");
    }
}
