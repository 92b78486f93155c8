using System.Diagnostics;
using System.Text.RegularExpressions;
using Chorus.EndToEnd.Tests.Crash;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>A newcomer's first steps, as the README writes them, in its order, against a real server started in a
/// fresh directory: mint a token, create and run the first workflow, schedule it, and call it through a signed
/// webhook. The shell blocks run as written but for three substitutions: the built CLI for <c>dotnet run</c>, the
/// test's port for 8000, and the examples folder's full path.</summary>
public sealed partial class ReadmeWalkthroughTests : IDisposable
{
    private static readonly string[] Sections = ["## Run it", "## A first workflow", "## Schedules", "## Webhooks"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-readme-");

    [Fact]
    public async Task FirstStepsOfTheReadme_RunAsWritten_InOrder()
    {
        var readme = await File.ReadAllTextAsync(Repository.File("README.md"));
        var blocks = Sections.SelectMany(section => ShellBlocks(readme, section)).ToList();
        Assert.Equal("dotnet run --project src/Chorus.Server", blocks[0].Trim());

        var port = ServerProcess.FreePort();
        // The server as the README runs it: no database or key settings, so both land in the working directory.
        await using var server = await ServerProcess.StartAsync(port, Path.Combine(_dir.FullName, "chorus.db"),
            new Dictionary<string, string> { ["DATABASE_URL"] = "", ["JWT_SECRET"] = "" }, workingDirectory: _dir.FullName);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "chorus.db")), "chorus.db is not in the working directory");
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "chorus.db.key")), "chorus.db.key is not beside the database");

        var script = string.Join("\n", blocks.Skip(1))
            .Replace("dotnet run --project src/Chorus.Cli --", $"dotnet '{Path.Combine(AppContext.BaseDirectory, "chorus.dll")}'", StringComparison.Ordinal)
            .Replace("localhost:8000", $"localhost:{port}", StringComparison.Ordinal)
            .Replace("@examples/", $"@{Repository.File("examples")}/", StringComparison.Ordinal);
        var (exit, output) = await BashAsync(script);

        Assert.True(exit == 0, $"The README's commands failed (exit {exit}):\n{output}\n--- server ---\n{server.Tail}");
        var compact = output.Replace(" ", "", StringComparison.Ordinal);
        Assert.True(compact.Contains("\"status\":\"completed\"", StringComparison.Ordinal), output);
        Assert.True(compact.Contains("\"cron\":\"09**1-5\"", StringComparison.Ordinal), output);
        // The webhook call's answer: the workflow ran on the signed body and answered with its output.
        Assert.True(compact.Contains("\"greeting\":\"HelloAda!\"", StringComparison.Ordinal), output);
        Assert.False(compact.Replace("\"error\":null", "", StringComparison.Ordinal).Contains("\"error\"", StringComparison.Ordinal), output);
    }

    /// <summary>The <c>sh</c> code blocks of one section, up to the next heading of its level.</summary>
    private static IEnumerable<string> ShellBlocks(string readme, string heading)
    {
        var start = readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The README has no section \"{heading}\".");
        var end = readme.IndexOf("\n## ", start + heading.Length + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return ShellBlock().Matches(section).Select(m => m.Groups[1].Value);
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    private async Task<(int Exit, string Output)> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = _dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var inherited in (string[])["CHORUS_URL", "CHORUS_TOKEN", "CHORUS_API_KEY", "DATABASE_URL", "PORT", "CHORUS_KEY_FILE"])
            start.Environment.Remove(inherited);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
