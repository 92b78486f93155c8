using Chorus.Server.EventRelays;
using Chorus.Server.Hosting;

namespace Chorus.Server.RedisEvents;

internal static class RedisEventsServices
{
    /// <summary>With REDIS_URL set, relays every event to Redis; nothing otherwise.</summary>
    public static IServiceCollection AddRedisEvents(this IServiceCollection services, ServerOptions options)
    {
        if (options.RedisUrl is not { } url)
            return services;
        var redis = RedisUrl.Parse(url);
        return services.AddOutboxRelay(sp => ActivatorUtilities.CreateInstance<RedisEventSink>(sp, redis));
    }
}
