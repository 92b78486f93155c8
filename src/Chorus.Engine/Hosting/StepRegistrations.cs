using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Steps.Remote;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
        if (options.RemoteSteps.Services.Count > 0)
        {
            var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var catalog = new RemoteStepCatalog(options.RemoteSteps, services.GetRequiredService<TimeProvider>(), loggers);
            registry.External = new RemoteStepSource(catalog, new RemoteStepRunner(catalog, loggers.CreateLogger<RemoteStepRunner>()));
        }
        return registry;
    }
}
