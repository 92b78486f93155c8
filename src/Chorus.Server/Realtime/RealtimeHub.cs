using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Chorus.Engine;
using Chorus.Engine.Events;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Server.Telemetry;

namespace Chorus.Server.Realtime;

/// <summary>Routes committed events to the WebSocket clients subscribed to them. The engine's event hub calls
/// <see cref="OnCommitted"/> on the committer's thread (or the thread reading other nodes' events), so that only
/// queues the event; one dispatcher task matches it against the subscriptions, serialises it once and queues it
/// for each client, and every client's own send task writes to the network.</summary>
internal sealed partial class RealtimeHub(EventHub events, RealtimeOptions options, RealtimeAccess access, TimeProvider time,
    IExecutionReader executions, IHostApplicationLifetime lifetime, ILogger<RealtimeHub> logger, ChorusEngine? engine = null) : IHostedService
{
    private readonly Lock _gate = new();
    private readonly HashSet<ClientConnection> _connections = [];
    // Keyed by tenant as well as topic: an event is only ever looked up under its own tenant, so a client of
    // another tenant that subscribes to the same id finds nothing.
    private readonly Dictionary<(TenantId Tenant, string Topic), HashSet<ClientConnection>> _subscribers = [];
    private readonly Channel<Queued> _events = Channel.CreateBounded<Queued>(new BoundedChannelOptions(options.DispatchCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite answers false instead of blocking the committer
    });
    private int _connectionCount;
    private long _dropped;
    private bool _stopping;
    private IDisposable? _subscription;
    private CancellationTokenRegistration _onStopping;
    private Task _dispatching = Task.CompletedTask;

    public DateTimeOffset Now => time.GetUtcNow();

    public TimeProvider Time => time;

    public RealtimeAccess Access => access;

    public ILogger Logger => logger;

    /// <summary>Open connections, for tests and diagnostics.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without connections this node need not even read the events other nodes commit.
        _subscription = events.Subscribe(OnCommitted, listening: () => ConnectionCount > 0);
        _dispatching = Task.Run(DispatchLoopAsync, CancellationToken.None);
        // Open sockets would hold the server's shutdown until its timeout: close them as soon as it begins.
        _onStopping = lifetime.ApplicationStopping.Register(CloseAll);
        access.KeyRevoked += EndConnectionsOf;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        access.KeyRevoked -= EndConnectionsOf;
        await _onStopping.DisposeAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        CloseAll();
        try
        {
            await _dispatching.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout is up; the dispatcher only delivers to sockets being closed anyway.
        }
    }

    /// <summary>Runs one accepted connection to its end and forgets it and its subscriptions afterwards.</summary>
    public async Task RunAsync(ClientConnection connection, CancellationToken requestAborted)
    {
        bool stopping;
        lock (_gate)
        {
            stopping = _stopping;
            _connections.Add(connection);
            Interlocked.Increment(ref _connectionCount);
            ServerMetrics.Connected();
        }
        if (stopping)
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, "the server is shutting down", flush: true);
        try
        {
            await connection.RunAsync(this, requestAborted).ConfigureAwait(false);
        }
        finally
        {
            Remove(connection);
        }
    }

    /// <summary>Adds topics and acknowledges them. The acknowledgement is queued under the same lock the dispatcher
    /// holds, so every event that follows it in the client's stream was matched against the new topics.</summary>
    /// <returns>The executions whose snapshot the caller must now send (see <see cref="SendSnapshotsAsync"/>).</returns>
    public IReadOnlyList<Guid> Subscribe(ClientConnection connection, Caller identity, IReadOnlyList<string> topics)
    {
        var snapshots = new List<Guid>();
        if (topics.Any(Topics.IsWholeTenant) && !RealtimeAccess.MayWatchWholeTenant(identity))
            throw new ChorusException(ErrorCodes.PermissionDenied, "all_workflows and all_executions are for admins.");
        lock (_gate)
        {
            var added = topics.Count(t => !connection.Topics.Contains(t));
            if (connection.Topics.Count + added > options.MaxSubscriptions)
                throw new ChorusException(ErrorCodes.InvalidInput, $"A connection may hold at most {options.MaxSubscriptions} topics.",
                    new JsonObject { ["field"] = "topics", ["limit"] = options.MaxSubscriptions, ["subscribed"] = connection.Topics.Count });
            foreach (var topic in topics)
            {
                if (!connection.Topics.Add(topic))
                    continue;
                var key = (identity.Tenant, topic);
                if (!_subscribers.TryGetValue(key, out var set))
                    _subscribers[key] = set = [];
                set.Add(connection);
                if (Topics.ExecutionOf(topic) is { } execution)
                {
                    // Until its snapshot is sent, this execution's live events for this connection wait.
                    _pending[(connection, execution)] = [];
                    snapshots.Add(execution);
                }
            }
            connection.Send(ServerMessages.Subscribed(topics));
        }
        return snapshots;
    }

    public void Unsubscribe(ClientConnection connection, IReadOnlyList<string> topics)
    {
        lock (_gate)
        {
            foreach (var topic in topics)
                RemoveTopic(connection, topic);
            connection.Send(ServerMessages.Unsubscribed(topics));
        }
    }

    /// <summary>Runs on the committer's thread: it must only queue.</summary>
    private void OnCommitted(EventRecord evt)
    {
        if (Volatile.Read(ref _connectionCount) == 0)
            return;
        if (!_events.Writer.TryWrite(new Queued(evt, null)))
        {
            Interlocked.Increment(ref _dropped);
            ServerMetrics.EventUndelivered();
        }
    }

    private async Task DispatchLoopAsync()
    {
        var topics = new List<string>(4);
        var targets = new HashSet<ClientConnection>();
        await foreach (var (evt, barrier) in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (barrier is not null)
            {
                barrier.TrySetResult();
                continue;
            }
            if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
                logger.LogWarning("{Count} events were not delivered to WebSocket clients: the dispatcher fell behind", dropped);
            try
            {
                Dispatch(evt!, topics, targets);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Event {EventId} ({Type}) could not be dispatched to WebSocket clients", evt!.Id, evt.Type);
            }
        }
    }

    private void Dispatch(EventRecord evt, List<string> topics, HashSet<ClientConnection> targets)
    {
        Topics.Of(evt, topics);
        lock (_gate)
        {
            targets.Clear();
            foreach (var topic in topics)
                if (_subscribers.TryGetValue((evt.Tenant, topic), out var set))
                    targets.UnionWith(set);
            if (targets.Count == 0)
                return;
            // Serialised once for every client; the payload is read on this thread only.
            var message = ServerMessages.Event(evt.Payload);
            var now = Now;
            foreach (var connection in targets)
            {
                if (connection.Identity is not { } identity || identity.Tenant != evt.Tenant)
                    continue;
                if (RealtimeAccess.HasExpired(identity, now))
                    End(connection, "-expired", "The token has expired: reconnect with a fresh one.", "the token has expired");
                else if (access.IsRevoked(identity))
                    EndRevoked(connection);
                else if (!HeldForSnapshot(connection, evt))
                    connection.Send(message);
            }
        }
    }

    /// <summary>A revoked key's connections end at once, not at their next event, which may never come.</summary>
    private void EndConnectionsOf(string apiKeyId)
    {
        lock (_gate)
            foreach (var connection in _connections.Where(c => c.Identity?.ApiKeyId == apiKeyId).ToList())
                EndRevoked(connection);
    }

    private static void EndRevoked(ClientConnection connection) =>
        End(connection, "-revoked", "The API key has been revoked: reconnect with a valid credential.", "the API key has been revoked");

    /// <summary>A connection whose credential expired or was revoked gets no more events: it is told why and closed.</summary>
    private static void End(ClientConnection connection, string requestIdSuffix, string message, string reason)
    {
        connection.Send(ServerMessages.Error(connection.Id + requestIdSuffix, ErrorCodes.Unauthorized, message));
        connection.Close(WebSocketCloseStatus.PolicyViolation, reason, flush: true);
    }

    private void Remove(ClientConnection connection)
    {
        lock (_gate)
        {
            foreach (var topic in connection.Topics.ToList())
                RemoveTopic(connection, topic);
            if (_connections.Remove(connection))
            {
                Interlocked.Decrement(ref _connectionCount);
                ServerMetrics.Disconnected();
            }
        }
    }

    private void RemoveTopic(ClientConnection connection, string topic)
    {
        if (!connection.Topics.Remove(topic) || connection.Identity is not { } identity)
            return;
        if (Topics.ExecutionOf(topic) is { } execution)
            ForgetSnapshot(connection, execution);
        var key = (identity.Tenant, topic);
        if (_subscribers.TryGetValue(key, out var set) && set.Remove(connection) && set.Count == 0)
            _subscribers.Remove(key);
    }

    private void CloseAll()
    {
        List<ClientConnection> open;
        lock (_gate)
        {
            _stopping = true;
            open = [.. _connections];
        }
        foreach (var connection in open)
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, "the server is shutting down", flush: true);
    }
}
