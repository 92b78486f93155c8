using System.Diagnostics;
using System.Text.RegularExpressions;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>README sections whose one shell block states its answers in comments (the lines "# → …"), each run as
/// written against a real server process: every answer stated is the answer the server gives.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed partial class ReadmeStatedAnswersTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-readme-section-");

    [Theory]
    [InlineData("Collections", 4)]
    [InlineData("Migrating executions", 4)]
    [InlineData("Replay and time travel", 7)]
    [InlineData("Testing workflows", 3)]
    public async Task TheSection_RunsAsWritten_AndAnswersWhatItSays(string heading, int statedAnswers)
    {
        var script = Assert.Single(await ReadmeSections.ShellBlocksAsync(heading));
        var stated = StatedAnswer().Matches(script).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.Equal(statedAnswers, stated.Count);

        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, Path.Combine(_dir.FullName, "chorus.db"));
        var info = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script.Replace("localhost:8000", $"localhost:{port}", StringComparison.Ordinal)])
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
        var output = await stdout;

        Assert.True(process.ExitCode == 0, $"The README's commands failed (exit {process.ExitCode}):\n{output}\n{await stderr}\n--- server ---\n{server.Tail}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(stated, lines);
    }

    [GeneratedRegex("^# → (.*)$", RegexOptions.Multiline)]
    private static partial Regex StatedAnswer();

    public void Dispose() => _dir.Delete(recursive: true);
}
