using System.Collections.Concurrent;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Step types by name. The built-in set is registered by <see cref="BuiltInSteps"/>; an embedding
/// application adds its own with <see cref="Register"/>. With steps services configured, the names they offer are
/// types too: a service's step runs remotely even when the application registered a handler of the same name (that
/// handler is the fallback when the service cannot answer); built-in types are never taken over by a service.</summary>
public sealed partial class StepRegistry : IStepConfigChecks
{
    private readonly ConcurrentDictionary<string, IStepHandler> _handlers = new(StringComparer.Ordinal);
    private HashSet<string> _builtIn = new(StringComparer.Ordinal);

    /// <summary>The steps services, when configured (STEPS_SVC_URL).</summary>
    internal IExternalSteps? External { get; set; }

    /// <summary>The limits validation holds definitions to (literal field paths, loops); the server sets its own.</summary>
    public ExecutionLimits Limits { get; set; } = new();

    public StepRegistry Register(IStepHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[handler.Type] = handler;
        return this;
    }

    /// <summary>The handler of a type: a service's step when one offers it (see the class remarks), else the local one.</summary>
    public bool TryGet(string type, out IStepHandler handler)
    {
        // A name nobody here knows may be a step a service added since its catalog was last read.
        if (External is { } external && !_builtIn.Contains(type) && external.Find(type, this, refresh: !_handlers.ContainsKey(type)) is { } remote)
        {
            handler = remote;
            return true;
        }
        return _handlers.TryGetValue(type, out handler!);
    }

    /// <summary>The handler registered in this process, ignoring the steps services.</summary>
    internal bool TryGetLocal(string type, out IStepHandler handler) => _handlers.TryGetValue(type, out handler!);

    /// <summary>Called once the built-in types are in: from then on they are the engine's own, never a service's.</summary>
    internal void MarkBuiltIn() => _builtIn = new HashSet<string>(_handlers.Keys, StringComparer.Ordinal);

    internal bool IsBuiltIn(string type) => _builtIn.Contains(type);

    void IStepConfigChecks.Check(StepDefinition step, List<DefinitionError> errors) => StepConfigChecks.Check(step, this, errors);

    public IReadOnlyCollection<string> Types => _handlers.Keys.Order(StringComparer.Ordinal).ToList();
}
