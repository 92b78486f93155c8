using System.Diagnostics;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>The README's RabbitMQ triggers section, run as written against a real server and a real broker (started
/// by the test on its own ports, in place of the section's first block, which starts Debian's on the default ones).</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class ReadmeRabbitMqTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-readme-rabbitmq-");

    [Fact]
    public async Task TheRabbitMqSection_RunsAsWritten()
    {
        var blocks = await ReadmeSections.ShellBlocksAsync("RabbitMQ triggers");
        Assert.Contains("rabbitmq-server -detached", blocks[0], StringComparison.Ordinal);

        await using var broker = await RabbitMqProcess.StartAsync();
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, Path.Combine(_dir.FullName, "chorus.db"));
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
        var compact = output.Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains("\"dead_letter_queue\":\"orders.dead\"", compact, StringComparison.Ordinal);
        Assert.Contains("\"confirmed\":true", compact, StringComparison.Ordinal);
        Assert.Contains("{\"order\":42,\"message_id\":\"", compact, StringComparison.Ordinal);
        Assert.DoesNotContain("guest:guest", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
