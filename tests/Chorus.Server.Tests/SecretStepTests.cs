using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary><c>{{ secrets.NAME }}</c> in an http step: the local listener receives the real value, and it echoes
/// it back, yet no execution output, step run or log shows anything but "[secret]".</summary>
public sealed class SecretStepTests : IAsyncLifetime
{
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly List<string> _received = [];
    private ChorusTestServer? _server;
    private HttpListener? _listener;
    private string _echoUrl = "";

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync()
    {
        _server = await ChorusTestServer.StartAsync(
            configure: o => o with { Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = true } } });
        var port = FreePort();
        _echoUrl = $"http://127.0.0.1:{port}/";
        _listener = new HttpListener();
        _listener.Prefixes.Add(_echoUrl);
        _listener.Start();
        _ = Task.Run(EchoAsync);
    }

    public async Task DisposeAsync()
    {
        _listener?.Stop();
        _listener?.Close();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Answers every request with the X-Api-Key header it received, in a JSON body and a response header.</summary>
    private async Task EchoAsync()
    {
        while (_listener is { IsListening: true })
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception)
            {
                return;
            }
            var key = context.Request.Headers["X-Api-Key"] ?? "";
            lock (_received)
                _received.Add(key);
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["you_sent"] = key, ["text"] = $"key={key};" }.ToJsonString());
            context.Response.ContentType = "application/json";
            context.Response.Headers["X-Echo"] = key;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private JsonObject Workflow() => Definitions.Parse($$$"""
        {"name": "uses-secret", "status": "active", "steps": [
          {"id": "call", "type": "http", "retry": {"max_attempts": 1},
           "config": {"url": "{{{_echoUrl}}}", "headers": {"X-Api-Key": "{{ secrets.API_KEY }}"}},
           "next": "out"},
          {"id": "out", "type": "output", "config": {"value": "{{call.body}}"}}
        ]}
        """);

    private async Task<(ApiResponse Ended, string Everything)> RunAsync(string workflowId)
    {
        var id = await Client.Execute(_tenant, workflowId);
        var ended = await Client.WaitForStatus(_tenant, id, "completed", "failed");
        var steps = (await Client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        var logs = (await Client.Get($"/api/executions/{id}/logs", _tenant)).Expect(HttpStatusCode.OK);
        return (ended, ended.Text + steps.Text + logs.Text);
    }

    private async Task WriteSecret(string value)
    {
        var written = await Client.Post("/api/secrets", _tenant, new JsonObject { ["name"] = "API_KEY", ["value"] = value });
        Assert.True(written.Status is HttpStatusCode.Created or HttpStatusCode.OK, written.Text);
    }

    [Fact]
    public async Task HttpStep_SendsTheRealValue_AndEverythingStoredShowsSecretInstead()
    {
        var value = $"s3cr3t-{Guid.NewGuid():N}";
        await WriteSecret(value);
        var workflowId = await Client.CreateWorkflow(_tenant, Workflow());
        var definition = (await Client.Get($"/api/workflows/{workflowId}", _tenant)).Expect(HttpStatusCode.OK);

        var (ended, everything) = await RunAsync(workflowId);

        Assert.True(ended.Str("status") == "completed", ended.Text);
        lock (_received)
            Assert.Equal([value], _received);
        Assert.DoesNotContain(value, everything);
        Assert.DoesNotContain(value, definition.Text);
        Assert.Contains("{{ secrets.API_KEY }}", definition.Text);
        Assert.Contains("[secret]", ended.Text);
        Assert.Contains("{{ secrets.API_KEY }}", everything); // the step run's input keeps the placeholder
    }

    [Fact]
    public async Task WebSocketEvents_OfARunThatUsesASecret_NeverCarryItsValue()
    {
        var value = $"s3cr3t-{Guid.NewGuid():N}";
        await WriteSecret(value);
        var workflowId = await Client.CreateWorkflow(_tenant, Workflow());
        await using var watcher = await RealtimeClient.ConnectAsync(Client, _tenant);
        await watcher.SubscribeAsync("all_executions");

        var id = await Client.Execute(_tenant, workflowId);
        var received = await watcher.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed" && (string?)m["execution_id"] == id);

        Assert.Contains(received, m => (string?)m["event"] == "workflow_step_completed" && (string?)m["step_id"] == "call");
        Assert.All(received, m => Assert.DoesNotContain(value, m.ToJsonString(), StringComparison.Ordinal));
        Assert.Contains(received, m => m.ToJsonString().Contains("[secret]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotation_TakesEffectForTheNextRun_AndDeletionFailsTheStepNamingTheSecret()
    {
        var first = $"first-{Guid.NewGuid():N}";
        var second = $"second-{Guid.NewGuid():N}";
        await WriteSecret(first);
        var workflowId = await Client.CreateWorkflow(_tenant, Workflow());
        Assert.Equal("completed", (await RunAsync(workflowId)).Ended.Str("status"));

        await WriteSecret(second);
        var (rotated, rotatedText) = await RunAsync(workflowId);
        Assert.Equal("completed", rotated.Str("status"));
        lock (_received)
            Assert.Equal([first, second], _received);
        Assert.DoesNotContain(second, rotatedText);

        (await Client.Delete("/api/secrets/API_KEY", _tenant)).Expect(HttpStatusCode.NoContent);
        var (failed, _) = await RunAsync(workflowId);
        Assert.Equal("failed", failed.Str("status"));
        Assert.Equal("step_configuration_error", failed.Str("error.code"));
        Assert.Contains("API_KEY", failed.Str("error.message"));
        lock (_received)
            Assert.Equal(2, _received.Count);
    }

    [Fact]
    public async Task AnotherTenantsSecret_CannotBeResolved()
    {
        var other = ApiCalls.NewTenant();
        var value = $"other-{Guid.NewGuid():N}";
        (await Client.Post("/api/secrets", other, new JsonObject { ["name"] = "API_KEY", ["value"] = value })).Expect(HttpStatusCode.Created);
        var workflowId = await Client.CreateWorkflow(_tenant, Workflow());

        var (ended, everything) = await RunAsync(workflowId);

        Assert.Equal("failed", ended.Str("status"));
        Assert.Equal("step_configuration_error", ended.Str("error.code"));
        Assert.DoesNotContain(value, everything);
        lock (_received)
            Assert.Empty(_received);
    }
}
