using System.Diagnostics;

namespace Chorus.EndToEnd.Tests.Containers;

/// <summary>Runs the docker client (or a repository script) as a child process and returns what it printed. A command
/// that outlives its timeout is killed and fails the test: a hung daemon must not hang the suite.</summary>
internal static class DockerCli
{
    /// <summary>The client Debian's docker.io installs beside its daemon: another <c>docker</c> earlier on PATH may
    /// speak another API version.</summary>
    public static string Client => File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker";

    public static Task<Result> DockerAsync(TimeSpan timeout, params string[] args) => RunAsync(Client, args, timeout);

    /// <summary>Runs <paramref name="args"/> with docker and fails the test, with everything it printed, when the
    /// exit code is not 0.</summary>
    public static async Task<string> DockerOkAsync(TimeSpan timeout, params string[] args)
    {
        var result = await DockerAsync(timeout, args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Output}");
        return result.StdOut.Trim();
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"{fileName} could not be started ({ex.Message}): install docker.io and start dockerd (scripts/start-docker.sh does both).");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s:\n{await stdout}\n{await stderr}");
            }
            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Output => StdOut + StdErr;
    }
}
