using Chorus.Engine.Storage;
using Chorus.Engine.Telemetry;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>This node's gauges: the leases its worker holds, and the store's queue sampled every
/// <see cref="SampleEvery"/> while something reads the queue gauges (a scrape reads the last sample, so it never
/// waits on the database).</summary>
internal sealed class NodeGauges(string nodeId, Worker worker, IExecutionReader reader, TimeProvider time, ILogger logger) : INodeGauges
{
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    public string NodeId => nodeId;
    public double LeasesHeld => worker.LeasesHeld;
    public QueueSample? Queue { get; private set; }

    public async Task SampleLoopAsync(CancellationToken stopping)
    {
        using var registration = EngineMetrics.Register(this);
        while (!stopping.IsCancellationRequested)
        {
            if (EngineMetrics.QueueObserved)
            {
                try
                {
                    Queue = await reader.SampleQueueAsync(time.GetUtcNow(), stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store that cannot answer now shows no queue rather than a stale one; readiness reports the store.
                    Queue = null;
                    logger.LogDebug(ex, "Sampling the work queue failed");
                }
            }
            try { await Task.Delay(SampleEvery, time, stopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
    }
}
