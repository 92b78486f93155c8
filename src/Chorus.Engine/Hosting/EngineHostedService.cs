using Chorus.Engine.Runtime;
using Microsoft.Extensions.Hosting;

namespace Chorus.Engine.Hosting;

/// <summary>Runs the engine for the lifetime of the host; on shutdown running steps get a grace period to finish
/// and commit (what is still running after it is handed back when its lease expires).</summary>
internal sealed class EngineHostedService(ChorusEngine engine) : IHostedService
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(Grace);
}
