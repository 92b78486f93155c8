using System.Diagnostics;
using System.Globalization;

namespace Chorus.EndToEnd.Tests.Containers;

/// <summary>A container started with <c>docker run -d</c>, its port published on 127.0.0.1 at a port Docker picks.
/// Disposing removes it (and its anonymous volumes).</summary>
internal sealed class RunningContainer : IAsyncDisposable
{
    private static readonly TimeSpan Command = TimeSpan.FromMinutes(1);

    private RunningContainer(string name, int hostPort)
    {
        Name = name;
        Url = $"http://127.0.0.1:{hostPort}";
    }

    public string Name { get; }

    public string Url { get; }

    /// <param name="containerPort">The port the image exposes; null publishes none, for a container expected to stop
    /// at once (asking Docker for the port of a stopped container fails).</param>
    /// <param name="options">More <c>docker run</c> options (environment, volumes), placed before the image.</param>
    public static async Task<RunningContainer> StartAsync(string image, int? containerPort, params string[] options)
    {
        var name = "chorus-e2e-" + Guid.NewGuid().ToString("N")[..12];
        string[] publish = containerPort is { } exposed ? ["-p", $"127.0.0.1::{exposed}"] : [];
        // The health check every 2 s instead of the image's 30 s: the same command, checked within the test's time.
        await DockerCli.DockerOkAsync(Command, ["run", "-d", "--name", name, .. publish, "--health-interval", "2s", .. options, image]);
        if (containerPort is not { } published)
            return new RunningContainer(name, 0);
        var mapping = await DockerCli.DockerOkAsync(Command, "port", name, published.ToString(CultureInfo.InvariantCulture));
        var port = int.Parse(mapping.Split('\n')[0].Split(':')[^1], CultureInfo.InvariantCulture);
        return new RunningContainer(name, port);
    }

    public Task<string> LogsAsync() => DockerCli.DockerAsync(Command, "logs", Name).ContinueWith(t => t.Result.Output, TaskScheduler.Default);

    public Task<string> ExecAsync(params string[] command) => DockerCli.DockerOkAsync(Command, ["exec", Name, .. command]);

    /// <summary>Waits until <c>GET path</c> answers 200, failing with the container's log if it does not within
    /// <paramref name="timeout"/> or the container stops.</summary>
    public async Task<string> WaitForOkAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var response = await http.GetAsync(Url + path);
                if (response.IsSuccessStatusCode)
                    return await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (await StateAsync("{{.State.Running}}") != "true")
                Assert.Fail($"{Name} stopped before {path} answered:\n{await LogsAsync()}");
            await Task.Delay(250);
        }
        Assert.Fail($"{Name} did not answer {path} with 200 within {timeout.TotalSeconds} s:\n{await LogsAsync()}");
        return "";
    }

    /// <summary>A field of <c>docker inspect</c>, e.g. <c>{{.State.Health.Status}}</c>.</summary>
    public async Task<string> StateAsync(string format) => (await DockerCli.DockerAsync(Command, "inspect", "-f", format, Name)).StdOut.Trim();

    /// <summary>Waits for the image's HEALTHCHECK to call the container healthy.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string status;
        while ((status = await StateAsync("{{.State.Health.Status}}")) != "healthy")
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"{Name} is '{status}', not healthy, after {timeout.TotalSeconds} s: {await StateAsync("{{json .State.Health}}")}");
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync() => await DockerCli.DockerAsync(Command, "rm", "-f", "-v", Name);
}
