using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Server.EventRelays;

/// <summary>Relays the events table to another system (an <see cref="IEventSink"/>), from the outbox: the engine writes
/// each event in the same transaction as the change it reports, and this relay reads the committed ones after its
/// durable cursor, hands them to the sink in order, and moves the cursor only once the sink accepted every one of
/// them. So an event goes out at least once (a crash between publishing and moving the cursor sends a batch again;
/// subscribers dedupe on <c>event_id</c>), and nothing here is on the commit path: the system down holds events in the
/// table, never an execution. One process relays to a sink at a time, under a lease in the store; when it dies,
/// another takes over once the lease runs out. Each sink has its own cursor and lease.</summary>
internal sealed partial class OutboxRelay(IEventSink sink, IEventRelayStore store, EventHub events, TimeProvider time, ILogger<OutboxRelay> log)
    : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    // Without a local commit to wake it, the relay looks for other nodes' events this often.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private readonly Outage _sinkOutage = new();
    private readonly Outage _storeOutage = new();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // Wakes the relay when this node commits events; other nodes' events are found by polling. listening: false,
        // so that this subscription does not make the node read other nodes' events for the WebSocket hub.
        using var subscription = events.Subscribe(_ => Nudge(), () => false);
        await Task.Yield();
        try
        {
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
                    // The store failed (the sink's failures are answered, not thrown): never stop the host over it.
                    _storeOutage.Begin(() => LogStoreDown(sink.DisplayName, ex.Message));
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
            await sink.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Holds the lease and relays until the lease is lost; false when the sink refused a batch and the relay
    /// should back off. A store failure throws.</summary>
    private async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var cursor = await store.TryLeaseEventRelayAsync(sink.RelayName, _owner, time.GetUtcNow(), Lease, ct).ConfigureAwait(false);
        _storeOutage.End(() => LogStoreBack(sink.DisplayName));
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
                if (await store.TryLeaseEventRelayAsync(sink.RelayName, _owner, time.GetUtcNow(), Lease, ct).ConfigureAwait(false) is not { } held)
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
            if (await sink.PublishAsync(batch.Events, ct).ConfigureAwait(false) is { } failure)
            {
                _sinkOutage.Begin(() => LogSinkDown(sink.DisplayName, failure));
                return false;
            }
            _sinkOutage.End(() => LogSinkBack(sink.DisplayName));
            LogPublished(sink.DisplayName, batch.Events.Count, batch.Events[^1].Event.Id);
            if (!await store.AdvanceEventRelayAsync(sink.RelayName, _owner, batch.Next, ct).ConfigureAwait(false))
                return true;
            cursor = batch.Next;
        }
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
            await store.ReleaseEventRelayAsync(sink.RelayName, _owner, timeout.Token).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Sink}: cannot publish ({Reason}); events wait in the outbox and go out, in order, when it accepts them again")]
    private partial void LogSinkDown(string sink, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Sink}: events are accepted again; catching up")]
    private partial void LogSinkBack(string sink);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Sink}: cannot read the outbox ({Reason}); retrying")]
    private partial void LogStoreDown(string sink, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Sink}: the outbox can be read again")]
    private partial void LogStoreBack(string sink);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Sink}: published {Count} events, up to event {LastId}")]
    private partial void LogPublished(string sink, int count, long lastId);
}
