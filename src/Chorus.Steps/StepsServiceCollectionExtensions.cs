using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chorus.Steps;

/// <summary>Registers the steps endpoints' services and the steps themselves.</summary>
public static class StepsServiceCollectionExtensions
{
    /// <summary>Adds what <see cref="StepsEndpointRouteBuilderExtensions.MapChorusSteps"/> needs. Safe to call more
    /// than once; each <paramref name="configure"/> is applied in order.</summary>
    public static IServiceCollection AddChorusSteps(this IServiceCollection services, Action<ChorusStepsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ChorusStepsOptions>();
        if (configure is not null)
            options.Configure(configure);
        services.TryAddSingleton<StepCatalog>();
        services.TryAddSingleton<IdempotencyCache>();
        services.TryAddSingleton<StepInvoker>();
        return services;
    }

    /// <summary>Adds a step implemented by <typeparamref name="T"/> (a singleton, built by dependency injection).</summary>
    public static IServiceCollection AddStepHandler<T>(this IServiceCollection services) where T : class, IStepHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IStepHandler, T>();
        return services;
    }

    /// <summary>Adds a step written as a function: the quickest way to offer a small step.</summary>
    public static IServiceCollection AddStep(this IServiceCollection services, string name, string description,
        Func<StepRequest, CancellationToken, Task<JsonNode?>> handler, JsonObject? configSchema = null, JsonObject? outputSchema = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handler);
        services.AddSingleton<IStepHandler>(new FunctionStepHandler(name, description, handler, configSchema ?? [], outputSchema ?? [], timeout));
        return services;
    }
}
