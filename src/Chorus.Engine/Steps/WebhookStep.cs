using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Waits for a webhook call [001]: the engine resumes the step when an event with this name arrives
/// (config.name, or the step id when unnamed).</summary>
internal sealed class WebhookStep : IStepHandler
{
    public string Type => "webhook";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var name = StepJson.String(context.Config, "name");
        return Task.FromResult<StepResult>(new StepResult.WaitForSignal(
            string.IsNullOrWhiteSpace(name) ? context.Step.Id : name, SignalKind.Event));
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        if (step.Config.ContainsKey("name") && step.Config["name"] is not null && !StepJson.IsString(step.Config["name"]))
            yield return new("config.name", "Must be a string: the event name that resumes the step.");
    }
}
