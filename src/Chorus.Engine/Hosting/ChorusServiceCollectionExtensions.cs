using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Schedules;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Engine.Hosting;

/// <summary>Composes Chorus in an application's services: <c>services.AddChorus(o => o with { ... }).UseSqlite("chorus.db")</c>.
/// The engine starts and stops with the host; the options are checked when the host starts.</summary>
public static class ChorusServiceCollectionExtensions
{
    /// <summary>Adds the engine, its services (<see cref="WorkflowService"/>, <see cref="ScheduleService"/>) and the
    /// hosted service that runs it. <paramref name="configure"/> changes the default <see cref="EngineOptions"/>;
    /// a store is chosen on the returned builder.</summary>
    public static ChorusBuilder AddChorus(this IServiceCollection services, Func<EngineOptions, EngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var steps = new StepRegistrations();
        services.AddSingleton(steps);

        services.AddOptions<EngineOptions>().ValidateOnStart();
        services.AddSingleton<IOptionsFactory<EngineOptions>>(sp => new EngineOptionsFactory(configure,
            sp.GetServices<IConfigureOptions<EngineOptions>>(), sp.GetServices<IPostConfigureOptions<EngineOptions>>(),
            sp.GetServices<IValidateOptions<EngineOptions>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<EngineOptions>>().Value);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChorusStore>(_ => throw new InvalidOperationException(
            "Chorus has no store: call UseSqlite, UsePostgres or UseStore on the builder AddChorus returns."));
        // Views of the one store; a test may put its own engine store in front (fault injection).
        services.TryAddSingleton<IWorkflowStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IExecutionReader>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IScheduleReader>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<ITierStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<ISecretStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IWebhookTriggerStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IBrokerTriggerStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IEngineStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IEventRelayStore>(sp => sp.GetRequiredService<IChorusStore>());
        services.TryAddSingleton<IFileStore>(sp => sp.GetRequiredService<IChorusStore>());

        services.TryAddSingleton(sp => steps.CreateRegistry(sp, sp.GetRequiredService<EngineOptions>()));
        services.TryAddSingleton(sp => new ChorusEngine(sp.GetRequiredService<IEngineStore>(), sp.GetRequiredService<IWorkflowStore>(),
            sp.GetRequiredService<IExecutionReader>(), sp.GetRequiredService<StepRegistry>(), sp.GetRequiredService<EngineOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>(), secrets: sp.GetService<ISecretResolver>(),
            quotas: sp.GetService<ITenantQuotas>(), payloads: sp.GetService<IPayloadOffload>()));
        services.TryAddSingleton<WorkflowService>(sp => new WorkflowService(sp.GetRequiredService<IWorkflowStore>(),
            sp.GetRequiredService<StepRegistry>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ChorusEngine>()));
        services.TryAddSingleton<ScheduleService>();
        // Before the engine's, so that steps of the services are known when the first work items run.
        services.AddHostedService(sp => new RemoteStepsHostedService(sp.GetRequiredService<StepRegistry>()));
        services.AddHostedService<EngineHostedService>();
        services.TryAddSingleton<IRetentionPolicy>(sp => new SettingRetentionPolicy(sp.GetRequiredService<EngineOptions>()));
        services.TryAddSingleton(sp => new RetentionJob(sp.GetRequiredService<ChorusEngine>(), sp.GetRequiredService<IRetentionPolicy>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()?.CreateLogger<RetentionJob>()
                ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionJob>.Instance));
        // After the engine's: hosted services start in order and stop in reverse, so pruning runs on a started engine.
        services.AddHostedService(sp => new RetentionHostedService(sp.GetRequiredService<RetentionJob>(), sp.GetRequiredService<EngineOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()?.CreateLogger<RetentionHostedService>()
                ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionHostedService>.Instance));
        return new ChorusBuilder(services, steps);
    }
}
