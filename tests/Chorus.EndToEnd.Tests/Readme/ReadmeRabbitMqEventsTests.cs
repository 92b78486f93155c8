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
        var script = string.Join("\n", blocks.Skip(1)).Replace("amqp://guest:guest@localhost:5672/", broker.Url, StringComparison.Ordinal);
        var run = await ReadmeScript.RunAgainstServerAsync(script, _dir, new Dictionary<string, string> { ["EVENTS_RABBITMQ_URL"] = broker.Url });
        var output = run.Stdout + "\n" + run.Stderr;

        Assert.True(run.ExitCode == 0, $"The README's commands failed (exit {run.ExitCode}):\n{output}\n--- server ---\n{run.ServerTail}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("completed", lines);
        var audited = JsonNode.Parse(lines.Last(l => l.StartsWith('{') && l.Contains("\"finished\"", StringComparison.Ordinal)))!;
        Assert.Equal("hello Ada", (string?)audited["greeting"]);
        Assert.True(Guid.TryParse((string?)audited["finished"], out _), audited.ToJsonString());
        Assert.DoesNotContain("guest:guest", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
