namespace Chorus.Server.Realtime;

/// <summary>The limits of the WebSocket endpoint. They bound what one client can cost the server: memory for its
/// queue and subscriptions, and how long a dead or slow client is kept.</summary>
internal sealed record RealtimeOptions
{
    /// <summary>Largest message a client may send (64 KiB); the protocol's messages are a few hundred bytes.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>Messages waiting to be sent to one client (1,024). A client that falls further behind is
    /// disconnected rather than slowing anyone else down; it reconnects and reads the current state over REST.</summary>
    public int OutboxCapacity { get; init; } = 1024;

    /// <summary>Bytes waiting to be sent to one client (8 MiB), since step outputs, and so events, can be large.</summary>
    public long OutboxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How long a client that did not authenticate on upgrade has to send its authenticate message (10 s).</summary>
    public TimeSpan AuthenticateWithin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Topics one connection may hold (1,000).</summary>
    public int MaxSubscriptions { get; init; } = 1000;

    /// <summary>Committed events waiting for the dispatcher (100,000). It does no I/O, so this fills only if the
    /// process is starved; the events beyond it are dropped and counted in the log rather than held in memory.</summary>
    public int DispatchCapacity { get; init; } = 100_000;

    /// <summary>How long a closing connection may take to flush and finish the close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Protocol-level pings (30 s) and how long a pong may take (30 s): a client that vanished without
    /// closing is detected and its subscriptions freed.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
