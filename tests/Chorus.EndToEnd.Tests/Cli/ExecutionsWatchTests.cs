using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Chorus.Server;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus executions watch</c> against a real server: it follows the execution over the WebSocket and
/// its exit code says how the execution ended.</summary>
public sealed class ExecutionsWatchTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    private static readonly string Token = TestTokens.For("default");

    private const string Greeting = """
        {"name": "watched", "steps": [
          {"id": "set", "name": "Set", "type": "addField", "config": {"field": "seen", "value": "{{input.value}}"}, "next": "out"},
          {"id": "out", "name": "Output", "type": "output", "config": {"value": {"seen": "{{variables.seen}}"}}}
        ]}
        """;

    private const string WaitsForGo = """
        {"name": "watched waiting", "steps": [
          {"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}, "next": "done"},
          {"id": "done", "name": "Done", "type": "output", "config": {"value": {"ok": true}}}
        ]}
        """;

    [Fact]
    public async Task Watch_OfAnExecutionThatAlreadyCompleted_ShowsItsEndAndExitsZero()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var id = await StartAsync(http, Greeting);
        await WaitForStatusAsync(http, id, "completed");

        var watch = await CliProcess.RunAsync("executions", "watch", id, "--server", server.Url, "--token", Token);

        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Contains("[100%] completed", watch.Stdout);
        Assert.Equal("completed", watch.Stdout.Trim().Split('\n')[^1].Trim());
    }

    [Fact]
    public async Task Watch_FollowsARunningExecutionStepByStep_UntilItCompletes()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var id = await StartAsync(http, WaitsForGo);
        await WaitForStatusAsync(http, id, "waiting");
        using var watch = CliProcess.Start(new Dictionary<string, string>(), "executions", "watch", id, "--server", server.Url, "--token", Token);

        var before = await ReadUntilAsync(watch, line => line.Contains("waiting hold"));
        await PostAsync(http, $"/api/executions/{id}/events", new JsonObject { ["name"] = "go" });
        var (exit, rest) = await FinishAsync(watch);

        Assert.True(exit == 0, $"exit {exit}\n{before}{rest}");
        Assert.Contains("[  0%] waiting hold", before);
        Assert.Contains("step hold (Hold) completed", rest);
        Assert.Contains("step done (Done) completed", rest);
        Assert.Contains("[100%] completed", rest);
    }

    [Fact]
    public async Task Watch_OfAnExecutionThatIsCancelled_ExitsOne()
    {
        using var http = TestHttp.Client(new Uri(server.Url), "default");
        var id = await StartAsync(http, WaitsForGo);
        await WaitForStatusAsync(http, id, "waiting");
        using var watch = CliProcess.Start(new Dictionary<string, string>(), "executions", "watch", id, "--server", server.Url, "--token", Token);

        var before = await ReadUntilAsync(watch, line => line.Contains("waiting hold"));
        await PostAsync(http, $"/api/executions/{id}/cancel", new JsonObject());
        var (exit, rest) = await FinishAsync(watch);

        Assert.True(exit == 1, $"exit {exit}\n{before}{rest}");
        Assert.Equal("cancelled", rest.Trim().Split('\n')[^1].Trim());
    }

    [Fact]
    public async Task Watch_OfAnUnknownExecution_PrintsTheErrorCodeAndExitsOne()
    {
        var watch = await CliProcess.RunAsync("executions", "watch", Guid.NewGuid().ToString(), "--server", server.Url, "--token", Token);

        Assert.True(watch.ExitCode == 1, watch.ToString());
        Assert.Contains("execution_not_found", watch.Stderr);
    }

    [Fact]
    public async Task Watch_WhenTheServerRestarts_ReconnectsAndSeesTheEnd()
    {
        using var dir = new TempDir();
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var first = await StartServerAsync(dir, url);
        using var http = TestHttp.Client(new Uri(url), "default");
        var id = await StartAsync(http, WaitsForGo);
        await WaitForStatusAsync(http, id, "waiting");
        using var watch = CliProcess.Start(new Dictionary<string, string>(), "executions", "watch", id, "--server", url, "--token", Token);
        var before = await ReadUntilAsync(watch, line => line.Contains("waiting hold"));

        await first.DisposeAsync();
        var dropped = await ReadUntilAsync(watch, line => line.Contains("reconnecting"));
        await using var second = await StartServerAsync(dir, url);
        await PostAsync(http, $"/api/executions/{id}/events", new JsonObject { ["name"] = "go" });
        var (exit, rest) = await FinishAsync(watch);

        Assert.True(exit == 0, $"exit {exit}\n{before}{dropped}{rest}");
        Assert.Contains("[100%] completed", rest);
    }

    private static async Task<WebApplication> StartServerAsync(TempDir dir, string url)
    {
        var options = new ServerOptions { DatabasePath = Path.Combine(dir.Path, "server.db"), Auth = new AuthSettings { JwtSecret = TestTokens.Secret } };
        var app = await ChorusServer.BuildAsync(["--urls", url], options, null);
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> StartAsync(HttpClient http, string definition)
    {
        var workflow = await PostAsync(http, "/api/workflows", JsonNode.Parse(definition)!);
        var started = await PostAsync(http, "/api/executions",
            new JsonObject { ["workflow_id"] = workflow["id"]!.GetValue<string>(), ["input"] = new JsonObject { ["value"] = "v" } });
        return started["id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonNode body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        return json;
    }

    private static async Task WaitForStatusAsync(HttpClient http, string id, string status)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var execution = JsonNode.Parse(await http.GetStringAsync($"/api/executions/{id}"))!;
            if (execution["status"]!.GetValue<string>() == status)
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"execution {id} did not reach {status} within 30 s");
    }

    /// <summary>The watch's output up to and including the first line that satisfies <paramref name="last"/>.</summary>
    private static async Task<string> ReadUntilAsync(Process watch, Func<string, bool> last)
    {
        var seen = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
                Assert.Fail($"the watch ended (exit {(watch.WaitForExit(5000) ? watch.ExitCode : -1)}) before the expected line:\n{seen}\n{await watch.StandardError.ReadToEndAsync()}");
            seen.AppendLine(line);
            if (last(line!))
                return seen.ToString();
        }
    }

    private static async Task<(int Exit, string Output)> FinishAsync(Process watch)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = await watch.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = await watch.StandardError.ReadToEndAsync(timeout.Token);
        await watch.WaitForExitAsync(timeout.Token);
        return (watch.ExitCode, output + errors);
    }
}
