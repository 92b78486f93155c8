using Chorus.Server.Brokers.RabbitMq;

namespace Chorus.Server.Brokers;

/// <summary>Broker triggers and the <c>publish</c> step in a server: the adapters, the consumers' hosted service, and the
/// management routes of each broker.</summary>
internal static class BrokerServices
{
    public static IServiceCollection AddBrokerTriggers(this IServiceCollection services)
    {
        services.AddSingleton<IBrokerAdapter, RabbitMqAdapter>();
        services.AddSingleton<BrokerStarts>();
        services.AddHostedService<BrokerTriggerService>();
        services.AddSingleton<RabbitMqPublisher>();
        return services;
    }

    /// <summary>The <c>publish</c> step, created by the container (it reads the tenants' secrets).</summary>
    public static Chorus.Engine.Hosting.ChorusBuilder AddPublishStep(this Chorus.Engine.Hosting.ChorusBuilder chorus) => chorus.AddStep<PublishStep>();

    public static void MapBrokerTriggers(this IEndpointRouteBuilder app)
    {
        foreach (var adapter in app.ServiceProvider.GetServices<IBrokerAdapter>())
            app.MapBrokerTriggers(adapter, adapter.Kind == RabbitMqAdapter.KindName ? "RabbitMqTrigger" : "BrokerTrigger");
    }
}
