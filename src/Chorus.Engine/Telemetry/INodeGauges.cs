using Chorus.Engine.Storage;

namespace Chorus.Engine.Telemetry;

/// <summary>What one engine node reports to the gauges: read when a scrape asks, never on the hot path.</summary>
internal interface INodeGauges
{
    string NodeId { get; }
    double LeasesHeld { get; }
    /// <summary>The store's queue as last sampled; null before the first sample.</summary>
    QueueSample? Queue { get; }
}
