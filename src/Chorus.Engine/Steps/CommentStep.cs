using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>A note on the canvas [001]; it runs so the graph stays connected, and does nothing.</summary>
internal sealed class CommentStep : IStepHandler
{
    public string Type => "comment";

    public bool IsPure(StepDefinition step) => true;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepResult>(StepResult.Done());

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) => [];
}
