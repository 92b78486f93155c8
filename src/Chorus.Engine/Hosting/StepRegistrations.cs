using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Engine.Hosting;

/// <summary>The step types and registry changes the builder collected, applied once when the registry is built.</summary>
internal sealed class StepRegistrations
{
    public List<Type> Types { get; } = [];
    public List<Action<StepRegistry>> Configure { get; } = [];

    /// <summary>The built-in types, then the added ones, then the changes; definitions are held to the engine's limits.</summary>
    public StepRegistry CreateRegistry(IServiceProvider services, EngineOptions options)
    {
        var registry = BuiltInSteps.CreateRegistry();
        registry.Limits = options.Limits;
        foreach (var type in Types)
            registry.Register((IStepHandler)services.GetRequiredService(type));
        foreach (var configure in Configure)
            configure(registry);
        return registry;
    }
}
