using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>The editor's start node [001]: nothing to do, but later steps can read the input under its id.</summary>
internal sealed class TriggerStep : IStepHandler
{
    public string Type => "trigger";

    public bool IsPure(StepDefinition step) => true;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepResult>(StepResult.Done(context.Data["input"]?.DeepClone()));

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => [];
}
