using System.Diagnostics;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Readme;

/// <summary>Runs a README shell block as written, in <c>bash -euo pipefail</c>, against a real server process of its own
/// (its SQLite file in the folder given, with <paramref name="serverEnvironment"/> added to its environment), with TOKEN
/// set as the README's "Run it" section sets it.</summary>
internal static class ReadmeScript
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr, string ServerTail);

    public static async Task<Run> RunAgainstServerAsync(string script, DirectoryInfo dir, IReadOnlyDictionary<string, string>? serverEnvironment = null)
    {
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, Path.Combine(dir.FullName, "chorus.db"), serverEnvironment);
        var info = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script.Replace("localhost:8000", $"localhost:{port}", StringComparison.Ordinal)])
        {
            WorkingDirectory = dir.FullName,
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
        return new Run(process.ExitCode, await stdout, await stderr, server.Tail);
    }
}
