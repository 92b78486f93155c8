using System.Collections.Concurrent;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Step types by name. The built-in set is registered by <see cref="BuiltInSteps"/>; an embedding
/// application adds its own with <see cref="Register"/>.</summary>
public sealed class StepRegistry : IStepConfigChecks
{
    private readonly ConcurrentDictionary<string, IStepHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>The limits validation holds definitions to (literal field paths, loops); the server sets its own.</summary>
    public ExecutionLimits Limits { get; set; } = new();

    public StepRegistry Register(IStepHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[handler.Type] = handler;
        return this;
    }

    public bool TryGet(string type, out IStepHandler handler) => _handlers.TryGetValue(type, out handler!);

    void IStepConfigChecks.Check(StepDefinition step, List<DefinitionError> errors) => StepConfigChecks.Check(step, this, errors);

    public IReadOnlyCollection<string> Types => _handlers.Keys.Order(StringComparer.Ordinal).ToList();
}
