using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps.Remote;

/// <summary>The steps services as the step registry sees them: their catalogs and the runner of their steps.</summary>
internal sealed class RemoteStepSource(RemoteStepCatalog catalog, RemoteStepRunner runner) : IExternalSteps
{
    private readonly ConcurrentDictionary<string, RemoteStepHandler> _handlers = new(StringComparer.Ordinal);

    public RemoteStepCatalog Catalog => catalog;

    public RemoteStepRunner Runner => runner;

    public IStepHandler? Find(string type, StepRegistry registry, bool refresh)
    {
        var offered = refresh ? catalog.FindOrRefresh(type) : catalog.Find(type);
        return offered is null ? null : _handlers.GetOrAdd(type, t => new RemoteStepHandler(t, catalog, runner, registry));
    }

    public bool OffersAction(string action) => catalog.FindOrRefresh(action) is not null;

    public Task<StepResult> RunActionAsync(StepExecutionContext context, string action, JsonObject config, CancellationToken ct) =>
        RemoteAction.RunAsync(this, context, action, config, ct);

    public IEnumerable<StepConfigIssue> ValidateAction(string action, JsonObject config, string prefix, IReadOnlyList<string> builtIn) =>
        RemoteAction.Validate(this, action, config, prefix, builtIn);

    public bool AnyUnreachable => catalog.AnyUnreachable;

    public string DescribeServices() => catalog.DescribeServices();

    public IEnumerable<StepDescription> Describe()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in catalog.Services)
        {
            foreach (var step in service.Steps.Values)
            {
                if (!seen.Add(step.Name))
                    continue;
                yield return new StepDescription
                {
                    Name = step.Name,
                    Description = step.Description,
                    Category = "remote",
                    ConfigSchema = (JsonObject)step.ConfigSchema.DeepClone(),
                    OutputSchema = (JsonObject)step.OutputSchema.DeepClone(),
                    Source = "remote",
                    Service = step.Service,
                };
            }
        }
    }
}
