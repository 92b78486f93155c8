using System.Text.RegularExpressions;

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

        var run = await ReadmeScript.RunAgainstServerAsync(script, _dir);

        Assert.True(run.ExitCode == 0, $"The README's commands failed (exit {run.ExitCode}):\n{run.Stdout}\n{run.Stderr}\n--- server ---\n{run.ServerTail}");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(stated, lines);
    }

    [GeneratedRegex("^# → (.*)$", RegexOptions.Multiline)]
    private static partial Regex StatedAnswer();

    public void Dispose() => _dir.Delete(recursive: true);
}
