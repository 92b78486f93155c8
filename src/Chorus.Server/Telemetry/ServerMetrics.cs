using System.Diagnostics.Metrics;

namespace Chorus.Server.Telemetry;

/// <summary>The server's own instruments (the engine's are on <see cref="Chorus.Engine.Telemetry.EngineMetrics"/>).</summary>
internal static class ServerMetrics
{
    public const string MeterName = "Chorus.Server";

    private static readonly Meter Meter = new(MeterName);

    private static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("chorus.websocket.connections",
        "{connection}", "WebSocket clients connected now.");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("chorus.websocket.dropped", "{connection}",
        "WebSocket clients disconnected because they fell behind.");
    private static readonly Counter<long> Undelivered = Meter.CreateCounter<long>("chorus.websocket.undelivered_events", "{event}",
        "Events not handed to WebSocket clients because the dispatcher fell behind.");

    public static void Connected() => Connections.Add(1);
    public static void Disconnected() => Connections.Add(-1);
    public static void ClientDropped() => Dropped.Add(1);
    public static void EventUndelivered() => Undelivered.Add(1);
}
