using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Server.Hosting;

/// <summary>Runs the engine for the lifetime of the web host; on shutdown running steps get a grace period.</summary>
internal sealed class EngineHostedService(ChorusEngine engine, IChorusStore store) : IHostedService
{
    // A store with one writer has one process: anything leased by an earlier process is abandoned. A shared
    // store's leases belong to other live nodes until they expire.
    public Task StartAsync(CancellationToken cancellationToken) => engine.StartAsync(reclaimForeignLeases: store.IsExclusiveWriter, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => engine.StopAsync(TimeSpan.FromSeconds(10));
}
