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
        var script = string.Join("\n", blocks.Skip(1)).Replace("amqp://guest:guest@localhost:5672/", broker.Url, StringComparison.Ordinal);
        var run = await ReadmeScript.RunAgainstServerAsync(script, _dir);
        var output = run.Stdout + "\n" + run.Stderr;

        Assert.True(run.ExitCode == 0, $"The README's commands failed (exit {run.ExitCode}):\n{output}\n--- server ---\n{run.ServerTail}");
        var compact = output.Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains("\"dead_letter_queue\":\"orders.dead\"", compact, StringComparison.Ordinal);
        Assert.Contains("\"confirmed\":true", compact, StringComparison.Ordinal);
        Assert.Contains("{\"order\":42,\"message_id\":\"", compact, StringComparison.Ordinal);
        Assert.DoesNotContain("guest:guest", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
