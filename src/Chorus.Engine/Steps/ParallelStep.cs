using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Two forms. Graph branches: the successors are the branches and the engine runs them
/// concurrently, so the step only records them. Inline (seed 002): config.parallel_steps are run here,
/// concurrently, and their outputs returned in order.</summary>
internal sealed class ParallelStep(StepRegistry registry) : IStepHandler
{
    public string Type => "parallel";

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        if (!context.Step.Config.ContainsKey("parallel_steps"))
        {
            var branches = context.Step.NextSteps.Count > 0 ? context.Step.NextSteps : context.Step.Next is { } n ? [n] : [];
            return StepResult.Done(StepJson.Object(("branches", new JsonArray(branches.Select(b => (JsonNode?)b).ToArray()))));
        }
        if (context.Config["parallel_steps"] is not JsonArray items)
            throw new StepConfigurationException("config.parallel_steps must be an array.");

        var runs = items.Select((item, i) =>
        {
            var id = $"{context.Step.Id}[{i}]";
            if (item is not JsonObject obj)
                throw new StepConfigurationException($"{id} must be an object.");
            var (type, config) = InlineStep.Describe(obj);
            // Each branch gets its own copy: JsonNode trees are not safe to read from several threads.
            var data = (JsonObject)context.Data.DeepClone();
            return InlineStep.RunAsync(context, id, type, (JsonObject)config.DeepClone(), data, cancellationToken);
        }).ToList();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);

        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is StepResult.Failed failed)
                return failed with { Message = $"{context.Step.Id}[{i}]: {failed.Message}" };
        }
        var outputs = results.Cast<StepResult.Completed>().Select(c => c.Output?.DeepClone()).ToArray();
        return new StepResult.Completed(StepJson.Object(("results", new JsonArray(outputs))),
            Variables: InlineStep.MergeVariables(results));
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        if (!step.Config.ContainsKey("parallel_steps"))
            return [];
        if (step.Config["parallel_steps"] is not JsonArray { Count: > 0 } items)
            return [new StepConfigIssue("config.parallel_steps", "Must be a non-empty array of action configs or {type, config}.")];
        return items.SelectMany((item, i) => item is JsonObject obj
            ? InlineStep.Validate(obj, $"config.parallel_steps[{i}]", registry)
            : [new StepConfigIssue($"config.parallel_steps[{i}]", "Must be an object.")]);
    }
}
