using Chorus.Engine.Runtime;

namespace Chorus.Server.Hosting;

/// <summary>Runs the engine for the lifetime of the web host; on shutdown running steps get a grace period.</summary>
internal sealed class EngineHostedService(ChorusEngine engine) : IHostedService
{
    // The embedded store has one process: anything leased by an earlier process is abandoned.
    public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync(reclaimForeignLeases: true, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(TimeSpan.FromSeconds(10));
}
