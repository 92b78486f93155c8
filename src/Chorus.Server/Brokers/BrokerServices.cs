using Chorus.Server.Brokers.RabbitMq;
using Chorus.Server.EventRelays;

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

    /// <summary>With EVENTS_RABBITMQ_URL set, relays every event to the RabbitMQ exchange; nothing otherwise.</summary>
    public static IServiceCollection AddRabbitMqEvents(this IServiceCollection services, Hosting.ServerOptions options) =>
        options.RabbitMqEvents is { } settings ? services.AddOutboxRelay(_ => new RabbitMqEventSink(settings)) : services;

    /// <summary>The <c>publish</c> step, created by the container (it reads the tenants' secrets).</summary>
    public static Chorus.Engine.Hosting.ChorusBuilder AddPublishStep(this Chorus.Engine.Hosting.ChorusBuilder chorus) => chorus.AddStep<PublishStep>();

    public static void MapBrokerTriggers(this IEndpointRouteBuilder app)
    {
        foreach (var adapter in app.ServiceProvider.GetServices<IBrokerAdapter>())
            app.MapBrokerTriggers(adapter, adapter.Kind == RabbitMqAdapter.KindName ? "RabbitMqTrigger" : "BrokerTrigger");
    }
}
