using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A Redis client subscribed to a channel pattern (PSUBSCRIBE), keeping every message in the order it came.</summary>
public sealed class RedisSubscriber : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly ChannelMessageQueue _queue;
    private readonly List<(string Channel, JsonObject Message)> _received = [];
    private readonly Task _reading;

    private RedisSubscriber(ConnectionMultiplexer connection, ChannelMessageQueue queue)
    {
        _connection = connection;
        _queue = queue;
        _reading = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var message = await _queue.ReadAsync();
                    var json = JsonNode.Parse((string)message.Message!)!.AsObject();
                    lock (_received)
                        _received.Add((message.Channel.ToString(), json));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
            }
        });
    }

    public static async Task<RedisSubscriber> StartAsync(RedisProcess redis, string pattern = "chorus:*")
    {
        var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},abortConnect=false");
        var queue = await connection.GetSubscriber().SubscribeAsync(RedisChannel.Pattern(pattern));
        return new RedisSubscriber(connection, queue);
    }

    public IReadOnlyList<(string Channel, JsonObject Message)> Received
    {
        get
        {
            lock (_received)
                return [.. _received];
        }
    }

    /// <summary>The messages on <paramref name="channel"/>, in the order they came.</summary>
    public List<JsonObject> On(string channel) => Received.Where(r => r.Channel == channel).Select(r => r.Message).ToList();

    /// <summary>Waits (up to <paramref name="seconds"/>, then fails with what came) until <paramref name="done"/> holds.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<(string Channel, JsonObject Message)>, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(Received))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Redis: never {what}; received {Received.Count}: " +
                    string.Join("\n", Received.TakeLast(20).Select(r => $"{r.Channel} {r.Message.ToJsonString()}")));
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _queue.UnsubscribeAsync();
        await _connection.DisposeAsync();
        try { await _reading; } catch (Exception) { }
    }
}
