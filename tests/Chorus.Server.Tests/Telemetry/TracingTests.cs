using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Engine.Telemetry;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Telemetry;

/// <summary>An execution's trace: its context is stored when it is created, each step attempt is a span under it
/// (after a restart too, read back from the database), and http and remote steps send it as a W3C traceparent.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private readonly string _tenant = ApiCalls.NewTenant();
    private readonly ConcurrentQueue<string> _traceparents = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"chorus-traces-{Guid.NewGuid():N}.db");
    private ActivityListener? _listener;
    private HttpListener? _target;
    private string _targetUrl = "";

    public Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EngineTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _targetUrl = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        probe.Stop();
        _target = new HttpListener();
        _target.Prefixes.Add(_targetUrl);
        _target.Start();
        _ = Task.Run(AnswerAsync);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _listener?.Dispose();
        _target?.Close();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".key", ".secrets.key" })
            File.Delete(_databasePath + suffix);
        return Task.CompletedTask;
    }

    private async Task AnswerAsync()
    {
        while (_target is { IsListening: true })
        {
            HttpListenerContext context;
            try { context = await _target.GetContextAsync(); }
            catch (Exception) { return; }
            _traceparents.Enqueue(context.Request.Headers["traceparent"] ?? "");
            var body = Encoding.UTF8.GetBytes("""{"ok":true}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private Task<ChorusTestServer> StartServerAsync() => ChorusTestServer.StartAsync(databasePath: _databasePath,
        configure: o => o with { Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = true } } });

    private JsonObject CallWaitCall() => Definitions.Parse($$$"""
        {"name": "traced", "status": "active", "steps": [
          {"id": "first", "type": "http", "config": {"url": "{{{_targetUrl}}}first", "method": "GET"}, "next": "pause"},
          {"id": "pause", "type": "wait", "config": {"event": "go"}, "next": "second"},
          {"id": "second", "type": "http", "config": {"url": "{{{_targetUrl}}}second", "method": "GET"}}
        ]}
        """);

    [Fact]
    public async Task StepAttempts_AreSpansUnderTheStoredContext_AndHttpCallsCarryIt_AcrossARestart()
    {
        string executionId;
        await using (var before = await StartServerAsync())
        {
            var workflowId = await before.Client.CreateWorkflow(_tenant, CallWaitCall());
            executionId = await before.Client.Execute(_tenant, workflowId);
            await before.Client.WaitForStatus(_tenant, executionId, "waiting");
        }
        await using var after = await StartServerAsync();
        (await after.Client.Post($"/api/executions/{executionId}/events", _tenant, new JsonObject { ["name"] = "go" })).Expect(HttpStatusCode.Accepted);
        var done = await after.Client.WaitForCompletion(_tenant, executionId);

        var traceId = done.Str("trace_id");
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        var sent = _traceparents.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, header => Assert.True(System.Text.RegularExpressions.Regex.IsMatch(header, $"^00-{traceId}-[0-9a-f]{{16}}-[0-9a-f]{{2}}$"), header));
        // Each call came from its own step attempt's span.
        Assert.NotEqual(sent[0], sent[1]);

        var steps = _spans.Where(s => (string?)s.GetTagItem("chorus.execution_id") == executionId && s.OperationName.StartsWith("chorus.step", StringComparison.Ordinal)).ToList();
        Assert.Equal(["first", "pause", "second"], steps.Select(s => (string)s.GetTagItem("chorus.step_id")!).Order());
        Assert.All(steps, s => Assert.Equal(traceId, s.TraceId.ToHexString()));
        var start = Assert.Single(_spans, s => s.OperationName == "chorus.execution.start" && (string?)s.GetTagItem("chorus.execution_id") == executionId);
        Assert.All(steps, s => Assert.Equal(start.SpanId, s.ParentSpanId));
        Assert.Equal("http", steps.Single(s => (string)s.GetTagItem("chorus.step_id")! == "second").GetTagItem("chorus.step_type"));
    }

    [Fact]
    public async Task AFailedAttempt_IsAFailedSpan_AndARemoteStepCallCarriesTheTrace()
    {
        await using var service = await FakeStepsService.StartAsync(FakeStep.Returning("fetch_user", _ => new JsonObject { ["name"] = "Ada" }));
        await using var server = await RemoteSteps.RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "remote then refused", "status": "active", "steps": [
              {"id": "fetch", "type": "fetch_user", "config": {}, "next": "refused"},
              {"id": "refused", "type": "http", "config": {"url": "http://127.0.0.1:9/", "method": "GET"}, "retry": {"max_attempts": 1}}
            ]}
            """));
        var executionId = await server.Client.Execute(_tenant, workflowId);
        var failed = await server.Client.WaitForStatus(_tenant, executionId, "failed");

        var traceId = failed.Str("trace_id")!;
        var call = Assert.Single(service.CallsOf("fetch_user"));
        Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-[0-9a-f]{{2}}$", call.TraceParent);
        var refused = Assert.Single(_spans, s => (string?)s.GetTagItem("chorus.execution_id") == executionId && (string?)s.GetTagItem("chorus.step_id") == "refused");
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
        Assert.NotNull(refused.GetTagItem("chorus.error_code"));
    }
}
