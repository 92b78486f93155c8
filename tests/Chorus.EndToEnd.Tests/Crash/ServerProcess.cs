using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>A real Chorus server process (the built Chorus.Server.dll next to the tests) on a fixed port and
/// database (a SQLite file or a PostgreSQL URL), so a test can SIGKILL it and start a new one on the same state.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly List<string> _watched = [];
    private string[] _watchFor = [];
    private bool _disposed;

    private ServerProcess(Process process) => _process = process;

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string Tail
    {
        get
        {
            lock (_lastLines)
                return string.Join('\n', _lastLines);
        }
    }

    /// <summary>Starts the server and waits until <paramref name="readyPath"/> answers 2xx. The working directory is
    /// the database file's folder unless <paramref name="workingDirectory"/> is given (needed for a database URL).
    /// The server verifies tokens with <see cref="TestTokens.Secret"/>; an empty value in
    /// <paramref name="extraEnv"/> removes that variable.
    /// <paramref name="program"/> is the built assembly to run beside the tests (the steps service's, say), and
    /// the lines holding one of <paramref name="watchFor"/> are all kept for <see cref="Printed"/>.</summary>
    public static async Task<ServerProcess> StartAsync(int port, string databasePath, IReadOnlyDictionary<string, string>? extraEnv = null,
        string? workingDirectory = null, string readyPath = "/health", string program = "Chorus.Server.dll", string[]? watchFor = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, program);
        Assert.True(File.Exists(dll), $"The server build output is missing: {dll}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(databasePath)!,
        };
        info.ArgumentList.Add(dll);
        info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DATABASE_URL"] = databasePath;
        // The tests' clients send tokens signed with this secret (the extra environment may replace or unset it).
        info.Environment["JWT_SECRET"] = TestTokens.Secret;
        // The tests poll as fast as they can from one token; the rate limits have their own tests.
        info.Environment["RATE_LIMIT_TENANT"] = "0";
        info.Environment["RATE_LIMIT_CREDENTIAL"] = "0";
        info.Environment["LEASE_DURATION"] = "2";
        info.Environment["WORKFLOW_CHECK_INTERVAL"] = "1";
        info.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (name, value) in extraEnv ?? new Dictionary<string, string>())
        {
            if (value.Length == 0)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process) { _watchFor = watchFor ?? [] };
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(port, readyPath);
        }
        catch (Exception)
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>SIGKILL on Linux: no shutdown hook, no grace period, in-flight steps are simply lost.</summary>
    public async Task KillAsync()
    {
        if (_disposed || _process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGTERM, as a service manager or <c>docker stop</c> sends it; waits for the process to exit and answers
    /// how long that took.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await signal.WaitForExitAsync();
        using var cts = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The server was still running {patience.TotalSeconds} s after SIGTERM:\n{Tail}");
        }
        return clock.Elapsed;
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's id of the server process, to read its memory use.</summary>
    public int Pid => _process.Id;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The lines printed so far that hold <paramref name="fragment"/>, one of the watched fragments.</summary>
    public IReadOnlyList<string> Printed(string fragment)
    {
        lock (_lastLines)
            return _watched.Where(l => l.Contains(fragment, StringComparison.Ordinal)).ToList();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lastLines)
        {
            if (_watchFor.Any(f => line.Contains(f, StringComparison.Ordinal)))
                _watched.Add(line);
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 40)
                _lastLines.Dequeue();
        }
    }

    private async Task WaitReadyAsync(int port, string readyPath)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            Assert.False(_process.HasExited, $"The server exited with {(_process.HasExited ? _process.ExitCode : 0)} while starting:\n{Tail}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}{readyPath}");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            catch (System.Net.Sockets.SocketException)
            {
                // A connection the starting server reset can surface unwrapped (from reading its remote end point).
            }
            await Task.Delay(100);
        }
        Assert.Fail($"The server did not answer {readyPath} within {StartTimeout.TotalSeconds} s:\n{Tail}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _disposed = true;
        _process.Dispose();
    }
}
