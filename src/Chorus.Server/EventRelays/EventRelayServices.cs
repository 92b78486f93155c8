namespace Chorus.Server.EventRelays;

internal static class EventRelayServices
{
    /// <summary>One <see cref="OutboxRelay"/> per sink. Registered as a plain <see cref="IHostedService"/>: AddHostedService
    /// keeps only the first registration of one type, and every sink needs its own relay.</summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, Func<IServiceProvider, IEventSink> sink) =>
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<OutboxRelay>(sp, sink(sp), TimeProvider.System));
}
