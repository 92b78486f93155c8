using System.Diagnostics;

namespace Chorus.EndToEnd.Tests.Cli;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs the built <c>chorus</c> CLI as a child process, the way a user would, with a bounded time.</summary>
internal static class CliProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) => RunInAsync(null, environment, args);

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/>, where a server's default database and key are.</summary>
    public static async Task<CliResult> RunInAsync(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = StartIn(workingDirectory, environment, args);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chorus {string.Join(' ', args)} did not exit within {Limit.TotalSeconds} s.");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI without waiting, for commands that run until stopped; the caller kills it.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) => StartIn(null, environment, args);

    /// <summary>Starts the CLI in <paramref name="workingDirectory"/> (the test's own when null).</summary>
    public static Process StartIn(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ChorusDll());
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // Whatever the machine running the tests has set must not choose the server, its key or the credential.
        foreach (var inherited in (string[])["CHORUS_URL", "CHORUS_TOKEN", "CHORUS_API_KEY", "DATABASE_URL", "HOST", "PORT", "CHORUS_KEY_FILE",
                     "JWT_SECRET", "JWT_PUBLIC_KEY", "JWT_JWKS_FILE", "JWT_ISSUER", "JWT_AUDIENCE", "ASPNETCORE_URLS"])
            start.Environment.Remove(inherited);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The CLI is copied next to this assembly by the project reference; the CLI project's own output
    /// is the fallback when the tests run from elsewhere.</summary>
    private static string ChorusDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "chorus.dll");
        if (File.Exists(beside))
            return beside;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "src", "Chorus.Cli")))
            dir = dir.Parent;
        var built = dir is null ? [] : Directory.GetFiles(Path.Combine(dir.FullName, "src", "Chorus.Cli", "bin"), "chorus.dll", SearchOption.AllDirectories);
        return built.FirstOrDefault() ?? throw new FileNotFoundException("chorus.dll not found; build src/Chorus.Cli first.");
    }
}

/// <summary>A temporary directory for workflow files and databases, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("chorus-cli-tests-").FullName;

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still closing its database must not fail the test that used it.
        }
    }
}
