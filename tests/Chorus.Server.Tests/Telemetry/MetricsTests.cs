using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Telemetry;

/// <summary>/metrics as Prometheus scrapes it from a real server: Chorus's instruments move with the work done, the
/// platform's instruments are there, labels never carry an execution id, and only the operator may read it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private static readonly JsonObject FailingCall = Definitions.Parse("""
        {"name": "fails", "status": "active", "steps": [
          {"id": "call", "type": "http", "config": {"url": "http://127.0.0.1:9/nothing-listens", "method": "GET"},
           "retry": {"max_attempts": 1}}
        ]}
        """);

    private Task<ApiResponse> ScrapeAs(Role? role) => Scrape.AsAsync(_client, _tenant, role);

    private Task<IReadOnlyList<PrometheusSample>> ScrapeUntilAsync(Func<IReadOnlyList<PrometheusSample>, bool> seen, string what) =>
        Scrape.UntilAsync(_client, _tenant, seen, what);

    [Fact]
    public async Task Executions_AreCountedByTenantWorkflowAndStatus_AndStepsTimedByType()
    {
        var greeting = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var failing = await _client.CreateWorkflow(_tenant, FailingCall);
        var executions = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var id = await _client.Execute(_tenant, greeting, new JsonObject { ["name"] = $"n{i}" });
            await _client.WaitForCompletion(_tenant, id);
            executions.Add(id);
        }
        var failed = await _client.Execute(_tenant, failing);
        await _client.WaitForStatus(_tenant, failed, "failed");
        executions.Add(failed);

        // Counted after the commit that ended them: the scrape may come a moment before the counter moves.
        var samples = await ScrapeUntilAsync(s =>
            s.Where("chorus_executions_ended_total", ("workflow", failing), ("status", "failed")).Any(), "the failed execution");

        Assert.Equal(2, samples.Where("chorus_executions_started_total", ("tenant", _tenant), ("workflow", greeting)).Single().Value);
        Assert.Equal(2, samples.Where("chorus_executions_ended_total", ("tenant", _tenant), ("workflow", greeting), ("status", "completed")).Single().Value);
        Assert.Empty(samples.Where("chorus_executions_ended_total", ("workflow", greeting), ("status", "failed")));
        Assert.Equal(1, samples.Where("chorus_executions_ended_total", ("tenant", _tenant), ("workflow", failing), ("status", "failed")).Single().Value);

        Assert.True(samples.Where("chorus_step_duration_seconds_count", ("step_type", "addField"), ("outcome", "completed")).Single().Value >= 2);
        Assert.True(samples.Where("chorus_step_duration_seconds_count", ("step_type", "http"), ("outcome", "failed")).Single().Value >= 1);
        Assert.True(samples.Where("chorus_commit_batch_size_count").Single().Value > 0);
        Assert.True(samples.Where("chorus_commit_duration_seconds_bucket", ("le", "+Inf")).Single().Value > 0);

        // Bounded cardinality: no label anywhere holds an execution id.
        var labelValues = samples.SelectMany(s => s.Labels.Values).ToHashSet();
        Assert.DoesNotContain(labelValues, executions.Contains);
    }

    [Fact]
    public async Task QueueLeasesWebSocketsAndThePlatformsInstruments_AreExposed()
    {
        await using var watcher = await RealtimeClient.ConnectAsync(_client, _tenant);
        (await _client.Get("/api/workflows", _tenant)).Expect(HttpStatusCode.OK); // a request that has ended, for ASP.NET Core's histogram
        // The queue is sampled in the background once something reads it; the connection counts once the hub runs it.
        var samples = await ScrapeUntilAsync(s => s.Where("chorus_queue_depth").Any() && s.Where("chorus_websocket_connections").Any(v => v.Value >= 1),
            "the sampled queue depth and the open WebSocket");

        Assert.All(samples.Where("chorus_queue_depth"), s => Assert.True(s.Value >= 0));
        Assert.NotEmpty(samples.Where("chorus_queue_oldest_due_age_seconds"));
        Assert.NotEmpty(samples.Where("chorus_leases_held"));
        // ASP.NET Core's and the runtime's own instruments come along.
        Assert.NotEmpty(samples.Where("http_server_request_duration_seconds_count"));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal) || s.Name.StartsWith("process_runtime_dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_SpanEveryTenant_SoOnlyTheOperatorReadsThem()
    {
        (await ScrapeAs(null)).ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        (await ScrapeAs(Role.Admin)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        var scraped = (await ScrapeAs(Role.Operator)).Expect(HttpStatusCode.OK);
        Assert.Contains("# TYPE", scraped.Text);
    }
}

/// <summary>Steps-service calls timed per service and outcome, and the service's circuit breaker shown as a gauge.</summary>
public sealed class RemoteStepMetricsTests
{
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task RemoteStepCalls_AreTimedByService_AndTheBreakerStateIsShown()
    {
        await using var service = await FakeStepsService.StartAsync(FakeStep.Returning("fetch_user", _ => new JsonObject { ["name"] = "Ada" }));
        await using var server = await RemoteSteps.RemoteStepServer.StartAsync([service.Url]);
        var workflowId = await server.Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "remote", "steps": [{"id": "fetch", "type": "fetch_user", "config": {}}]}
            """));
        await server.Client.WaitForCompletion(_tenant, await server.Client.Execute(_tenant, workflowId));

        var name = service.Url.ToString().TrimEnd('/');
        var samples = await Scrape.UntilAsync(server.Client, _tenant,
            s => s.Where("chorus_remote_step_duration_seconds_count", ("service", name), ("outcome", "ok")).Any(), "the remote call");

        Assert.True(samples.Where("chorus_remote_step_duration_seconds_count", ("service", name), ("outcome", "ok")).Single().Value >= 1);
        Assert.Equal(0, samples.Where("chorus_remote_step_breaker_state", ("service", name)).Single().Value);
    }
}

/// <summary>Reads /metrics of a test server as the operator.</summary>
internal static class Scrape
{
    public static async Task<ApiResponse> AsAsync(HttpClient client, string tenant, Role? role)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (role is { } r)
            request.Headers.Authorization = new("Bearer", TestTokens.For(tenant, r));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text) : null);
    }

    /// <summary>Scrapes until a sample matches: counters move just after the commit an API answer may precede, and
    /// gauges sampled in the background appear a moment after the first scrape.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> UntilAsync(HttpClient client, string tenant,
        Func<IReadOnlyList<PrometheusSample>, bool> seen, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var samples = PrometheusText.Parse((await AsAsync(client, tenant, Role.Operator)).Expect(HttpStatusCode.OK).Text);
            if (seen(samples))
                return samples;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"/metrics never showed {what}");
            await Task.Delay(250);
        }
    }
}
