using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>Debian's Prometheus as a child process on 127.0.0.1 with its own data directory, started from a given
/// configuration file; queried over its HTTP API.</summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;
    private readonly StringBuilder _output = new();

    private PrometheusProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    /// <summary>Starts Prometheus with <paramref name="config"/> (the text of a prometheus.yml) and waits until it is ready.</summary>
    public static async Task<PrometheusProcess> StartAsync(string config)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException("prometheus is not installed: run the tests with scripts/test.sh, which installs it (apt-get install prometheus)");
        var directory = Directory.CreateTempSubdirectory("chorus-prometheus-").FullName;
        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config);
        var port = FreePort();
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { $"--config.file={configPath}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var prometheus = new PrometheusProcess(process, directory, port);
        process.OutputDataReceived += (_, e) => prometheus.Note(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Note(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"prometheus exited at start: {prometheus.Output}");
            try
            {
                if ((await prometheus._http.GetAsync("-/ready")).IsSuccessStatusCode)
                    return prometheus;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"prometheus was not ready within 30 s: {prometheus.Output}");
            await Task.Delay(100);
        }
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Note(string? line)
    {
        if (line is not null)
            lock (_output) _output.AppendLine(line);
    }

    /// <summary>The answer of an instant query (its "data" with "resultType" and "result"); fails on a query error.</summary>
    public async Task<JsonNode> QueryAsync(string expression)
    {
        var answer = JsonNode.Parse(await _http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(expression)}"))!;
        Assert.True(answer["status"]?.GetValue<string>() == "success", $"query {expression}: {answer.ToJsonString()}");
        return answer["data"]!;
    }

    /// <summary>The scrape targets with their health ("up", "down", "unknown") and last error.</summary>
    public async Task<JsonArray> ActiveTargetsAsync() =>
        JsonNode.Parse(await _http.GetStringAsync("api/v1/targets"))!["data"]!["activeTargets"]!.AsArray();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
