using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>The execution's result [001]: config.value if given, else the whole (rendered) config, else the
/// variables collected so far.</summary>
internal sealed class OutputStep : IStepHandler
{
    public string Type => "output";

    public bool IsPure(StepDefinition step) => true;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        JsonNode? output;
        if (config.TryGetPropertyValue("value", out var value))
            output = value?.DeepClone();
        else if (config.Count > 0)
            output = config.DeepClone();
        else
            output = context.Data["variables"]?.DeepClone() ?? new JsonObject();
        return Task.FromResult<StepResult>(StepResult.Done(output));
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => [];
}
