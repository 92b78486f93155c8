using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using StackExchange.Redis;

namespace Chorus.Server.RedisEvents;

/// <summary>Publishes the events table to Redis, from the outbox: the engine writes each event in the same
/// transaction as the change it reports, and this relay reads the committed ones after its durable cursor,
/// publishes them in order, and moves the cursor only once Redis accepted every one of them. So an event goes out
/// at least once (a crash between publishing and moving the cursor sends a batch again; subscribers dedupe on
/// <c>event_id</c>), and nothing here is on the commit path: Redis down holds events in the table, never an
/// execution. One process relays at a time, under a lease in the store; when it dies, another takes over once the
/// lease runs out.</summary>
internal sealed partial class RedisEventRelay(
    ConfigurationOptions redis, IEventRelayStore store, EventHub events, TimeProvider time, ILogger<RedisEventRelay> log)
    : BackgroundService
{
    public const string RelayName = "redis";
    private const int BatchSize = 500;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    // Without a local commit to wake it, the relay looks for other nodes' events this often.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private readonly Outage _redisOutage = new();
    private readonly Outage _storeOutage = new();
    private ConnectionMultiplexer? _connection;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // Wakes the relay when this node commits events; other nodes' events are found by polling. listening: false,
        // so that this subscription does not make the node read other nodes' events for the WebSocket hub.
        using var subscription = events.Subscribe(_ => Nudge(), () => false);
        await Task.Yield();
        try
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(redis).ConfigureAwait(false);
            _connection.ConnectionFailed += (_, e) => LogConnectionFailed(e.EndPoint?.ToString(), e.FailureType.ToString());
            _connection.ConnectionRestored += (_, e) => LogConnectionRestored(e.EndPoint?.ToString());
            var backoff = TimeSpan.Zero;
            while (!ct.IsCancellationRequested)
            {
                bool progressed;
                try
                {
                    progressed = await RunOnceAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // The store failed (Redis failures are handled where they happen): never stop the host over it.
                    _storeOutage.Begin(() => LogStoreDown(ex.Message));
                    progressed = false;
                }
                backoff = progressed ? TimeSpan.Zero : Next(backoff);
                if (backoff > TimeSpan.Zero)
                    await Task.Delay(backoff, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Holds the lease and relays until the lease is lost; false when Redis refused a batch and the relay
    /// should back off. A store failure throws.</summary>
    private async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var cursor = await store.TryLeaseEventRelayAsync(RelayName, _owner, time.GetUtcNow(), Lease, ct).ConfigureAwait(false);
        _storeOutage.End(() => LogStoreBack());
        if (cursor is null)
        {
            // Another process relays: stand by, and take over if its lease runs out.
            await Task.Delay(RenewEvery, time, ct).ConfigureAwait(false);
            return true;
        }
        var renewed = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            if (time.GetUtcNow() - renewed >= RenewEvery)
            {
                if (await store.TryLeaseEventRelayAsync(RelayName, _owner, time.GetUtcNow(), Lease, ct).ConfigureAwait(false) is not { } held)
                    return true;
                // Another process may have held the lease in between and moved the cursor on.
                cursor = held;
                renewed = time.GetUtcNow();
            }
            var batch = await store.ReadEventsAfterAsync(cursor, BatchSize, ct).ConfigureAwait(false);
            if (batch.Events.Count == 0)
            {
                // Nothing published, so nothing to make durable: the store gives the same events to whoever
                // reads from the stored cursor.
                cursor = batch.Next;
                await _nudge.WaitAsync(IdlePoll, ct).ConfigureAwait(false);
                continue;
            }
            if (!await PublishAsync(batch.Events).ConfigureAwait(false))
                return false;
            if (!await store.AdvanceEventRelayAsync(RelayName, _owner, batch.Next, ct).ConfigureAwait(false))
                return true;
            cursor = batch.Next;
        }
        return true;
    }

    /// <summary>Every event of the batch on its channels, pipelined in order on the one connection (Redis runs
    /// them in the order sent); true once Redis accepted them all.</summary>
    private async Task<bool> PublishAsync(IReadOnlyList<RelayedEvent> batch)
    {
        if (_connection is not { IsConnected: true } connection)
        {
            _redisOutage.Begin(() => LogRedisDown("not connected"));
            return false;
        }
        var subscriber = connection.GetSubscriber();
        var sends = new List<Task<long>>(batch.Count * 2);
        foreach (var relayed in batch)
        {
            RedisValue message = RedisEventMessages.Message(relayed);
            foreach (var channel in RedisEventMessages.ChannelsOf(relayed.Event))
                sends.Add(subscriber.PublishAsync(RedisChannel.Literal(channel), message));
        }
        try
        {
            await Task.WhenAll(sends).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            _redisOutage.Begin(() => LogRedisDown(ex.Message));
            return false;
        }
        _redisOutage.End(() => LogRedisBack());
        LogPublished(batch.Count, batch[^1].Event.Id);
        return true;
    }

    private void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await store.ReleaseEventRelayAsync(RelayName, _owner, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The lease runs out on its own.
        }
    }

    private static TimeSpan Next(TimeSpan backoff) =>
        backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));

    /// <summary>Whether something is down, so that an outage is logged once when it starts and once when it ends,
    /// not once per event or retry.</summary>
    private sealed class Outage
    {
        private bool _down;

        public void Begin(Action log)
        {
            if (!_down)
                log();
            _down = true;
        }

        public void End(Action log)
        {
            if (_down)
                log();
            _down = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis events: cannot publish ({Reason}); events wait in the outbox and go out, in order, when Redis returns")]
    private partial void LogRedisDown(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis events: Redis accepts events again; catching up")]
    private partial void LogRedisBack();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis events: cannot read the outbox ({Reason}); retrying")]
    private partial void LogStoreDown(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis events: the outbox can be read again")]
    private partial void LogStoreBack();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis events: published {Count} events, up to event {LastId}")]
    private partial void LogPublished(int count, long lastId);

    // Debug: the client reports every failed reconnection attempt; the outage itself is logged once, above.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis events: connection to {EndPoint} lost ({Failure})")]
    private partial void LogConnectionFailed(string? endPoint, string failure);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis events: connection to {EndPoint} restored")]
    private partial void LogConnectionRestored(string? endPoint);
}
