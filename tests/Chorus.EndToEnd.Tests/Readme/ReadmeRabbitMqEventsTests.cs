using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>The README's RabbitMQ events section, run as written against a real server publishing its events to a real
/// broker (both started by the test on their own ports, in place of the section's first block, which starts the
/// server with EVENTS_RABBITMQ_URL on the default ones).</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class ReadmeRabbitMqEventsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-readme-rabbitmq-events-");

    [Fact]
    public async Task TheRabbitMqEventsSection_RunsAsWritten()
    {
        var blocks = await ReadmeSections.ShellBlocksAsync("RabbitMQ events");
        Assert.Contains("EVENTS_RABBITMQ_URL=amqp://guest:guest@localhost:5672/", blocks[0], StringComparison.Ordinal);

        await using var broker = await RabbitMqProcess.StartAsync();
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, Path.Combine(_dir.FullName, "chorus.db"),
            new Dictionary<string, string> { ["EVENTS_RABBITMQ_URL"] = broker.Url });
        var script = string.Join("\n", blocks.Skip(1))
            .Replace("localhost:8000", $"localhost:{port}", StringComparison.Ordinal)
            .Replace("amqp://guest:guest@localhost:5672/", broker.Url, StringComparison.Ordinal);

        var info = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = _dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TOKEN"] = TestTokens.For("default");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + "\n" + await stderr;

        Assert.True(process.ExitCode == 0, $"The README's commands failed (exit {process.ExitCode}):\n{output}\n--- server ---\n{server.Tail}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("completed", lines);
        var audited = JsonNode.Parse(lines.Last(l => l.StartsWith('{') && l.Contains("\"finished\"", StringComparison.Ordinal)))!;
        Assert.Equal("hello Ada", (string?)audited["greeting"]);
        Assert.True(Guid.TryParse((string?)audited["finished"], out _), audited.ToJsonString());
        Assert.DoesNotContain("guest:guest", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
