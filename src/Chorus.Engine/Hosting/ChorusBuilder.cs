using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chorus.Engine.Hosting;

/// <summary>Chooses the store and adds step types to what <see cref="ChorusServiceCollectionExtensions.AddChorus"/>
/// composed. The stores add <c>UseSqlite</c> and <c>UsePostgres</c> to it.</summary>
public sealed class ChorusBuilder
{
    private readonly StepRegistrations _steps;

    internal ChorusBuilder(IServiceCollection services, StepRegistrations steps)
    {
        Services = services;
        _steps = steps;
    }

    public IServiceCollection Services { get; }

    /// <summary>Runs on a store the application opened and disposes of itself.</summary>
    public ChorusBuilder UseStore(IChorusStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Services.Replace(ServiceDescriptor.Singleton(store));
        return this;
    }

    /// <summary>Runs on the store <paramref name="open"/> returns, opened when the engine is first needed (as the
    /// host starts) and disposed with the host.</summary>
    public ChorusBuilder UseStore(Func<IServiceProvider, IChorusStore> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        Services.Replace(ServiceDescriptor.Singleton(open));
        return this;
    }

    /// <summary>Adds a step type whose handler is created by the container, so its constructor can take the
    /// application's services. One handler serves every step of the type.</summary>
    public ChorusBuilder AddStep<T>() where T : class, IStepHandler
    {
        Services.TryAddSingleton<T>();
        _steps.Types.Add(typeof(T));
        return this;
    }

    /// <summary>Changes the step registry after the built-in and added types are in it (register an instance,
    /// replace a built-in type).</summary>
    public ChorusBuilder ConfigureSteps(Action<StepRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _steps.Configure.Add(configure);
        return this;
    }
}
