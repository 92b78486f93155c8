using System.Diagnostics;
using System.Text;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus serve</c> as a child process in a directory of the test's choosing, with everything it prints
/// kept for assertions. Disposing kills it.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
    }

    public int Port { get; }

    public string Url { get; }

    /// <summary>Everything printed so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts <c>chorus serve</c> in <paramref name="directory"/> on a free port and waits until /health
    /// answers on 127.0.0.1 and the start banner is printed.</summary>
    public static async Task<ServeProcess> StartAsync(string directory, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var port = Crash.ServerProcess.FreePort();
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var process = CliProcess.StartIn(directory, env, ["serve", .. args]);
        var serve = new ServeProcess(process, port);
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => serve.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await serve.WaitReadyAsync();
        }
        catch (Exception)
        {
            await serve.DisposeAsync();
            throw;
        }
        return serve;
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            Assert.False(_process.HasExited, $"chorus serve exited with {(_process.HasExited ? _process.ExitCode : 0)} while starting:\n{Output}");
            try
            {
                using var response = await http.GetAsync($"{Url}/health");
                // The banner is printed once the server listens; wait for it too so tests can read it.
                if (response.IsSuccessStatusCode && Output.Contains("Chorus is listening", StringComparison.Ordinal))
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        Assert.Fail($"chorus serve did not answer /health within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(cts.Token);
        }
        _process.Dispose();
    }
}
