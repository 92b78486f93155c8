using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps.Remote;

/// <summary>A step type offered by a steps service. When the application registered a handler of the same name, that
/// handler is the fallback: it runs when the service cannot answer.</summary>
internal sealed class RemoteStepHandler(string type, RemoteStepCatalog catalog, RemoteStepRunner runner, StepRegistry registry) : IStepHandler
{
    public string Type => type;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        Func<Task<StepResult>>? local = registry.TryGetLocal(type, out var handler)
            ? () => handler.ExecuteAsync(context, cancellationToken)
            : null;
        return runner.RunAsync(context, type, context.Config, local, cancellationToken);
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step) =>
        catalog.Find(type) is var (_, remote) ? RemoteConfigCheck.Check(remote, step.Config, "config") : [];
}
