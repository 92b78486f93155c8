using Chorus.Engine.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Hosting;

/// <summary>Runs the <see cref="RetentionJob"/> every <see cref="RetentionOptions.Interval"/> while the host runs;
/// nothing at all when neither history nor events have a limit. Registered after the engine's hosted service, so
/// it starts after the engine and stops before it.</summary>
internal sealed class RetentionHostedService(RetentionJob job, EngineOptions options, TimeProvider time, ILogger<RetentionHostedService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!job.Enabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await job.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Retention.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Pruning only keeps the database small: a failed round is tried again at the next one.
                logger.LogWarning(ex, "History retention: pruning failed; trying again in {Interval}", options.Retention.Interval);
                try { await Task.Delay(options.Retention.Interval, time, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
