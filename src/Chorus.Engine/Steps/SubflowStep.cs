using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Runs another workflow as a child [002][003]; the engine completes this step with the child's
/// output. The child gets config.input, or this execution's input when none is given. A child may not run a
/// workflow already on its ancestor chain unless config.recursive is true, and then only to SUBFLOW_MAX_DEPTH.</summary>
internal sealed class SubflowStep : IStepHandler
{
    public string Type => "subflow";

    private static readonly string[] IdFields = ["workflow_id", "subflow_id"];

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var text = IdFields.Select(f => StepJson.String(config, f)).FirstOrDefault(s => s is not null);
        if (!Guid.TryParse(text, out var workflowId))
            throw new StepConfigurationException($"config.workflow_id must be a workflow id (a GUID), got '{text}'.");
        var input = config.TryGetPropertyValue("input", out var given) ? given?.DeepClone() : context.Data["input"]?.DeepClone();
        var recursive = StepJson.Bool(config, "recursive") ?? false;
        return Task.FromResult<StepResult>(new StepResult.StartChild(workflowId, input, recursive));
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        if (step.Config["recursive"] is { } recursive && recursive.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            yield return new("config.recursive", "Must be true or false: whether this step may start a workflow already on its ancestor chain.");
        var field = IdFields.FirstOrDefault(step.Config.ContainsKey);
        if (field is null)
        {
            yield return new("config.workflow_id", "Required: the id of the workflow to run as a child.");
            yield break;
        }
        var node = step.Config[field];
        if (StepJson.IsTemplate(node))
            yield break;
        if (StepJson.String(step.Config, field) is not { } text || !Guid.TryParse(text, out _))
            yield return new($"config.{field}", "Must be a workflow id (a GUID string).");
    }
}
