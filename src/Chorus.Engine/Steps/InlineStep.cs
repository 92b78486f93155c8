using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Runs a step described inside another step's config (a parallel branch, a foreach body) in the
/// same attempt. Such a step cannot wait: there is no step run of its own for the engine to resume.</summary>
internal static class InlineStep
{
    /// <summary>{type, config} names any registered type; a bare object is an action config (seed 002).</summary>
    public static (string Type, JsonObject Config) Describe(JsonObject item)
    {
        if (StepJson.String(item, "type") is { } type)
            return (type, item["config"] as JsonObject ?? new JsonObject());
        return ("action", item);
    }

    public static async Task<StepResult> RunAsync(StepExecutionContext parent, string id, string type,
        JsonObject renderedConfig, JsonObject? data, CancellationToken cancellationToken)
    {
        if (!parent.Services.Registry.TryGet(type, out var handler))
            throw new StepConfigurationException($"{id}: unknown step type '{type}'.");
        var step = new StepDefinition { Id = id, Name = id, Type = type, Config = renderedConfig };
        var child = parent.Derive(step, renderedConfig, data);
        try
        {
            var result = await handler.ExecuteAsync(child, cancellationToken).ConfigureAwait(false);
            if (result is not (StepResult.Completed or StepResult.Failed))
                throw new StepConfigurationException($"{id}: a '{type}' step cannot wait when it runs inline.");
            return result;
        }
        finally
        {
            parent.AppendLogs(child);
        }
    }

    /// <summary>The types whose step always waits (for time, a person, a call or a child execution).</summary>
    private static readonly string[] Waiting = ["wait", "manualInput", "webhook", "subflow"];

    public static IEnumerable<StepConfigIssue> Validate(JsonObject item, string path, StepRegistry registry)
    {
        var (type, config) = Describe(item);
        if (Waiting.Contains(type))
            return [new($"{path}.type", $"A '{type}' step waits, and a step run inside another (a parallel branch, a foreach body) cannot: make it a step of its own.")];
        var step = new StepDefinition { Id = path, Name = path, Type = type, Config = config };
        if (type == "action")
            return ActionStep.Validate(step, registry, item.ContainsKey("type") ? $"{path}.config" : path);
        if (!registry.TryGet(type, out var handler))
            return [new($"{path}.type", $"Unknown step type '{type}'.")];
        return handler.ValidateConfig(step).Select(i => i with { Field = $"{path}.{i.Field}" });
    }

    /// <summary>Variables written by several inline steps; later writes win.</summary>
    public static IReadOnlyDictionary<string, JsonNode?>? MergeVariables(IEnumerable<StepResult> results)
    {
        Dictionary<string, JsonNode?>? merged = null;
        foreach (var completed in results.OfType<StepResult.Completed>())
        {
            foreach (var (key, value) in completed.Variables ?? new Dictionary<string, JsonNode?>())
                (merged ??= new(StringComparer.Ordinal))[key] = value;
        }
        return merged;
    }
}
