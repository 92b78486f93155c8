using System.Net.WebSockets;
using System.Threading.Channels;
using Chorus.Server.Security;
using Chorus.Server.Telemetry;

namespace Chorus.Server.Realtime;

/// <summary>One WebSocket client. Everything sent to it goes through a bounded queue drained by its own send
/// task, so whoever sends (the event dispatcher, the receive loop answering a message) never waits for the
/// network: a client that cannot keep up is disconnected instead of holding anyone up.</summary>
internal sealed partial class ClientConnection : IDisposable
{
    private readonly WebSocket _socket;
    private readonly RealtimeOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbox;
    // Cancelled when a close has taken too long: aborts the socket and with it any send or receive in progress.
    private readonly CancellationTokenSource _abort = new();
    private long _queuedBytes;
    private CloseRequest? _close;
    private Caller? _identity;

    public ClientConnection(WebSocket socket, Caller? identity, string id, RealtimeOptions options, ILogger logger)
    {
        _socket = socket;
        _identity = identity;
        _options = options;
        _logger = logger;
        Id = id;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.OutboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false, which is when the client is dropped
        });
        _abort.Token.Register(socket.Abort);
    }

    /// <summary>The upgrade request's id; error messages number their request ids from it.</summary>
    public string Id { get; }

    /// <summary>Null until the client authenticates; read by the dispatcher on another thread.</summary>
    public Caller? Identity
    {
        get => Volatile.Read(ref _identity);
        set => Volatile.Write(ref _identity, value);
    }

    /// <summary>This connection's topics; guarded by the hub's lock, like the hub's index of them.</summary>
    public HashSet<string> Topics { get; } = [];

    public bool IsClosing => Volatile.Read(ref _close) is not null;

    /// <summary>Queues a message without waiting. When the queue is full the client is too slow: it is disconnected.</summary>
    public void Send(byte[] message)
    {
        if (IsClosing)
            return;
        var queued = Interlocked.Add(ref _queuedBytes, message.Length);
        // One message larger than the byte budget still goes out when nothing else is waiting.
        var tooMuch = queued > _options.OutboxBytes && queued != message.Length;
        if (!tooMuch && _outbox.Writer.TryWrite(message))
            return;
        Interlocked.Add(ref _queuedBytes, -message.Length);
        if (IsClosing)
            return;
        _logger.LogWarning("WebSocket client {ConnectionId} is disconnected: it fell {Count} messages behind", Id, _outbox.Reader.Count);
        ServerMetrics.ClientDropped();
        Close(WebSocketCloseStatus.PolicyViolation, "too slow: the outgoing queue is full", flush: false);
    }

    /// <summary>Starts closing: no more messages are queued; those waiting are sent first when
    /// <paramref name="flush"/>, then the close frame. Whatever is not done within the close timeout is aborted.
    /// Only the first call counts.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool flush)
    {
        if (Interlocked.CompareExchange(ref _close, new CloseRequest(status, reason, flush), null) is not null)
            return;
        _outbox.Writer.TryComplete();
        try
        {
            _abort.CancelAfter(_options.CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>Sends what is queued, one message at a time (a WebSocket allows one send at a time), then the close frame.</summary>
    private async Task SendLoopAsync()
    {
        var token = _abort.Token;
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _close) is { Flush: false })
                    break;
                Interlocked.Add(ref _queuedBytes, -message.Length);
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, token).ConfigureAwait(false);
            }
            if (Volatile.Read(ref _close) is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(close.Status, close.Reason, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Aborted after the close timeout, or the client went away: either way there is no one left to send to.
        }
        finally
        {
            // A send that failed means the connection is over; make sure the receive loop ends too.
            Close(WebSocketCloseStatus.NormalClosure, "", flush: false);
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _socket.Dispose();
    }

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason, bool Flush);
}
