using System.Diagnostics;
using System.Text.RegularExpressions;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>The README's Testing workflows section, run as written against a real server process: every answer its
/// comments state (the lines "# → …") is the answer the server gives.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed partial class ReadmeTestingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-readme-testing-");

    [Fact]
    public async Task TheTestingSection_RunsAsWritten_AndAnswersWhatItSays()
    {
        var script = Assert.Single(await ReadmeSections.ShellBlocksAsync("Testing workflows"));
        var stated = StatedAnswer().Matches(script).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.Equal(3, stated.Count);

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
