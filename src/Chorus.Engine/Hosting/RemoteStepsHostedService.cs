using Chorus.Engine.Steps;
using Chorus.Engine.Steps.Remote;
using Microsoft.Extensions.Hosting;

namespace Chorus.Engine.Hosting;

/// <summary>Reads the steps services' catalogs before the engine starts (bounded: a service that is down is read in
/// the background) and keeps them fresh while the host runs.</summary>
internal sealed class RemoteStepsHostedService(StepRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        (registry.External as RemoteStepSource)?.Catalog.StartAsync(cancellationToken) ?? Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (registry.External is RemoteStepSource remote)
            await remote.Catalog.DisposeAsync().ConfigureAwait(false);
    }
}
