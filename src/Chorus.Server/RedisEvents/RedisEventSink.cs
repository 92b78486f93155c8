using Chorus.Engine.Storage;
using Chorus.Server.EventRelays;
using StackExchange.Redis;

namespace Chorus.Server.RedisEvents;

/// <summary>Publishes relayed events on their Redis channels (see <see cref="RedisEventMessages"/>), pipelined in order
/// on one connection: Redis runs the commands of a connection in the order sent.</summary>
internal sealed partial class RedisEventSink(ConfigurationOptions redis, ILogger<RedisEventSink> log) : IEventSink
{
    private Task<ConnectionMultiplexer>? _connecting;

    public string RelayName => "redis";

    public string DisplayName => "Redis events";

    public async Task<string?> PublishAsync(IReadOnlyList<RelayedEvent> batch, CancellationToken ct)
    {
        // AbortOnConnectFail is off: this answers even while Redis is down, and the client reconnects by itself.
        ConnectionMultiplexer connection;
        try
        {
            connection = await (_connecting ??= ConnectAsync()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // Not even a multiplexer (a host name that does not resolve): the next batch tries again.
            _connecting = null;
            return ex.Message;
        }
        if (!connection.IsConnected)
            return "not connected";
        var subscriber = connection.GetSubscriber();
        var sends = new List<Task<long>>(batch.Count * 2);
        foreach (var relayed in batch)
        {
            RedisValue message = RelayedEventMessage.Json(relayed);
            foreach (var channel in RedisEventMessages.ChannelsOf(relayed.Event))
                sends.Add(subscriber.PublishAsync(RedisChannel.Literal(channel), message));
        }
        try
        {
            await Task.WhenAll(sends).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return ex.Message;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis).ConfigureAwait(false);
        connection.ConnectionFailed += (_, e) => LogConnectionFailed(e.EndPoint?.ToString(), e.FailureType.ToString());
        connection.ConnectionRestored += (_, e) => LogConnectionRestored(e.EndPoint?.ToString());
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connecting is { IsCompletedSuccessfully: true } connecting)
            await connecting.Result.DisposeAsync().ConfigureAwait(false);
    }

    // Debug: the client reports every failed reconnection attempt; the outage itself is logged once, by the relay.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis events: connection to {EndPoint} lost ({Failure})")]
    private partial void LogConnectionFailed(string? endPoint, string failure);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis events: connection to {EndPoint} restored")]
    private partial void LogConnectionRestored(string? endPoint);
}
