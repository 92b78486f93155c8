using System.Net;
using System.Net.Sockets;

namespace Chorus.EndToEnd.Tests.Cli;

public sealed class ServeAndHelpTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Serve_WithPortAndDb_AnswersHealthOnThatPort()
    {
        var port = FreePort();
        var db = Path.Combine(_dir.Path, "served.db");
        using var process = CliProcess.Start(new Dictionary<string, string> { ["PORT"] = "1" },
            "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db);
        process.StandardInput.Close();
        // The server logs to stdout; a pipe nobody reads would fill up and stall it.
        var logs = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var status = await PollHealthAsync(http, $"http://127.0.0.1:{port}/health", process);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(File.Exists(db), "the server should create its database at --db");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await logs;
        }
    }

    [Fact]
    public async Task Serve_MalformedEnvironment_ExitsTwoWithTheReason()
    {
        var result = await CliProcess.RunAsync(new Dictionary<string, string> { ["MAX_CONCURRENT_WORKFLOWS"] = "lots" }, "serve");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("MAX_CONCURRENT_WORKFLOWS", result.Stderr);
    }

    [Fact]
    public async Task Serve_OnAPortAlreadyInUse_SaysSoInOneLine_AndExitsTwo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await CliProcess.RunAsync(new Dictionary<string, string>(), "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--db", Path.Combine(_dir.Path, "busy.db"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"chorus: invalid configuration: http://127.0.0.1:{port} is already in use (another server on that port?): choose another with PORT or --urls.",
            result.Stderr.Trim());
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--port")]
    [InlineData("run", "--input-file")]
    [InlineData("workflows", "push")]
    [InlineData("executions", "show")]
    [InlineData("token", "--ttl")]
    [InlineData("workflows", "--api-key")]
    public async Task Help_OnEachCommand_DescribesItAndExitsZero(string command, string expected)
    {
        var result = await CliProcess.RunAsync(command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Stdout);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageError()
    {
        var result = await CliProcess.RunAsync("frobnicate");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("frobnicate", result.Stderr);
    }

    private static async Task<HttpStatusCode> PollHealthAsync(HttpClient http, string url, System.Diagnostics.Process process)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(url);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
        Assert.Fail(process.HasExited ? $"chorus serve exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}" : "chorus serve did not answer within 60 s");
        return default;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
