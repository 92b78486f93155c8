using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary>A secret used by steps never reaches the server's own log: <c>chorus serve</c> at debug level runs an
/// http step that sends the secret (and one whose failing URL holds it), and everything the process printed is
/// searched for the value.</summary>
public sealed class SecretLogTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SecretUsedBySteps_NeverAppearsInTheServerLog()
    {
        var value = $"s3cr3t-{Guid.NewGuid():N}";
        using var listener = new HttpListener();
        var echo = $"http://127.0.0.1:{Crash.ServerProcess.FreePort()}/";
        listener.Prefixes.Add(echo);
        listener.Start();
        var received = new List<string>();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (Exception) { return; }
                var key = context.Request.Headers["X-Api-Key"] ?? "";
                lock (received) received.Add(key);
                var body = Encoding.UTF8.GetBytes(new JsonObject { ["you_sent"] = key }.ToJsonString());
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        await using var server = await ServeProcess.StartAsync(_dir.Path, new Dictionary<string, string>
        {
            ["JWT_SECRET"] = TestTokens.Secret,
            ["ENVIRONMENT"] = "development",
            ["HTTP_ALLOW_PRIVATE"] = "true",
        });
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("acme"));

        var written = await http.PostAsync("/api/secrets", Json(new JsonObject { ["name"] = "API_KEY", ["value"] = value }));
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        var ok = await RunAsync(http, $$$"""{"url": "{{{echo}}}", "headers": {"X-Api-Key": "{{ secrets.API_KEY }}"}}""");
        var failed = await RunAsync(http, """{"url": "http://127.0.0.1:1/{{ secrets.API_KEY }}"}""");

        lock (received)
            Assert.Equal([value], received);
        Assert.Contains("\"completed\"", ok);
        Assert.Contains("\"failed\"", failed);
        Assert.DoesNotContain(value, ok + failed);
        await Task.Delay(500); // the console logger writes on its own thread
        Assert.DoesNotContain(value, server.Output);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Runs a one-step workflow with this http config; the finished execution's JSON.</summary>
    private static async Task<string> RunAsync(HttpClient http, string config)
    {
        var definition = JsonNode.Parse($$"""
            {"name": "w-{{Guid.NewGuid():N}}", "status": "active", "steps": [
              {"id": "call", "type": "http", "retry": {"max_attempts": 1}, "config": {{config}}}]}
            """)!;
        var created = await http.PostAsync("/api/workflows", Json(definition));
        var workflow = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.IsSuccessStatusCode, workflow.ToJsonString());
        var started = await http.PostAsync($"/api/workflows/{workflow["id"]}/execute", Json(new JsonObject()));
        var execution = JsonNode.Parse(await started.Content.ReadAsStringAsync())!;
        Assert.True(started.IsSuccessStatusCode, execution.ToJsonString());
        var id = (string?)execution["execution_id"] ?? (string?)execution["id"];
        for (var i = 0; i < 100; i++)
        {
            var text = await http.GetStringAsync($"/api/executions/{id}");
            if (text.Contains("\"completed\"", StringComparison.Ordinal) || text.Contains("\"failed\"", StringComparison.Ordinal))
                return text + await http.GetStringAsync($"/api/executions/{id}/steps") + await http.GetStringAsync($"/api/executions/{id}/logs");
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"Execution {id} did not end.");
    }
}
