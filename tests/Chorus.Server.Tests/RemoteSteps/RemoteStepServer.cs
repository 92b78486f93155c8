using Chorus.Engine.Steps;
using Chorus.Engine.Steps.Remote;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.RemoteSteps;

/// <summary>A Chorus server configured with steps services, with retry delays short enough for tests.</summary>
internal static class RemoteStepServer
{
    public static Task<ChorusTestServer> StartAsync(IEnumerable<Uri> services, Action<StepRegistry>? steps = null,
        Func<RemoteStepsOptions, RemoteStepsOptions>? tune = null)
    {
        var remote = new RemoteStepsOptions
        {
            Services = [.. services],
            RetryDelay = TimeSpan.FromMilliseconds(10),
            OnDemandRefreshInterval = TimeSpan.FromMilliseconds(50),
        };
        remote = tune?.Invoke(remote) ?? remote;
        return ChorusTestServer.StartAsync(steps, configure: o => o with { Engine = o.Engine with { RemoteSteps = remote } });
    }

    /// <summary>A URL nothing listens on: a port that was free a moment ago.</summary>
    public static Uri DeadUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
