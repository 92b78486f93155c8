using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class HttpStepTests
{
    // These tests talk to a local server, so they opt in to private targets; OutboundPolicyTests cover the default.
    private static readonly TestStepServices RealTime = TestStepServices.AllowingLocalServers();

    private static StepDefinition HttpStep(string url, string extra = "") =>
        Step("http", $$"""{"url": "{{url}}"{{extra}}}""");

    [Fact]
    public async Task ExecuteAsync_PostWithJsonBody_SendsMethodHeadersBodyAndIdempotencyKey()
    {
        await using var server = new LocalHttpServer(_ => new(200, """{"ok": true, "n": 2}"""));
        var step = HttpStep(server.BaseUrl + "items",
            """, "method": "post", "headers": {"X-Trace": "abc"}, "query": {"q": "a b"}, "body": {"name": "Ada"}""");
        var context = Context(step, services: RealTime);

        var completed = AssertCompleted(await Handler("http").ExecuteAsync(context, CancellationToken.None));

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/items?q=a%20b", request.PathAndQuery);
        Assert.Equal("abc", request.Headers["X-Trace"]);
        Assert.Equal(context.IdempotencyKey, request.Headers["Idempotency-Key"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        AssertJson("""{"name": "Ada"}""", JsonNode.Parse(request.Body));
        Assert.Equal(200, completed.Output!["status"]!.GetValue<int>());
        AssertJson("""{"ok": true, "n": 2}""", completed.Output["body"]);
        Assert.Equal("yes", completed.Output["headers"]!["x-test"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("head")]
    [InlineData("OPTIONS")]
    public async Task HeadAndOptions_AreAcceptedAtSave_AndSent_HeadWithoutItsBody(string method)
    {
        await using var server = new LocalHttpServer(_ => new(200, ""));
        var step = HttpStep(server.BaseUrl, $$""", "method": "{{method}}", "body": {"ignored": true}""");

        Assert.Empty(Handler("http").ValidateConfig(step));
        var completed = AssertCompleted(await RunAsync(Handler("http"), step, services: RealTime));

        var request = Assert.Single(server.Requests);
        Assert.Equal(method.ToUpperInvariant(), request.Method);
        Assert.Equal(200, completed.Output!["status"]!.GetValue<int>());
        if (method == "head")
            Assert.Equal("", request.Body);
    }

    [Fact]
    public async Task ExecuteAsync_AuthorIdempotencyHeader_IsReplacedByTheAttemptKey()
    {
        await using var server = new LocalHttpServer(_ => new(200, "{}"));
        var context = Context(HttpStep(server.BaseUrl, """, "headers": {"Idempotency-Key": "mine"}"""), services: RealTime);

        await Handler("http").ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(context.IdempotencyKey, Assert.Single(server.Requests).Headers["Idempotency-Key"]);
    }

    [Fact]
    public async Task ExecuteAsync_TextResponse_ReturnsBodyAsString()
    {
        await using var server = new LocalHttpServer(_ => new(200, "plain words", "text/plain"));

        var completed = AssertCompleted(await RunAsync(Handler("http"), HttpStep(server.BaseUrl), services: RealTime));

        Assert.Equal("plain words", completed.Output!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_StringBody_SendsText()
    {
        await using var server = new LocalHttpServer(_ => new(204, ""));

        var completed = AssertCompleted(await RunAsync(Handler("http"),
            HttpStep(server.BaseUrl, """, "method": "PUT", "body": "hello" """), services: RealTime));

        var request = Assert.Single(server.Requests);
        Assert.Equal("hello", request.Body);
        Assert.StartsWith("text/plain", request.Headers["Content-Type"]);
        Assert.Null(completed.Output!["body"]);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(404, false)]
    [InlineData(400, false)]
    public async Task ExecuteAsync_ErrorStatus_FailsWithRetryableByStatus(int status, bool retryable)
    {
        await using var server = new LocalHttpServer(_ => new(status, """{"error": "x"}"""));

        var result = await RunAsync(Handler("http"), HttpStep(server.BaseUrl), services: RealTime);

        var failed = Assert.IsType<StepResult.Failed>(result);
        Assert.Equal("http_error", failed.Code);
        Assert.Equal(retryable, failed.Retryable);
        Assert.Equal(status, failed.Details!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExecuteAsync_FailOnStatusFalse_CompletesWithTheStatus()
    {
        await using var server = new LocalHttpServer(_ => new(404, "{}"));

        var completed = AssertCompleted(await RunAsync(Handler("http"),
            HttpStep(server.BaseUrl, """, "fail_on_status": false"""), services: RealTime));

        Assert.Equal(404, completed.Output!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExecuteAsync_SlowServer_FailsWithRetryableTimeout()
    {
        await using var server = new LocalHttpServer(_ => new(200, "{}", Delay: TimeSpan.FromSeconds(5)));

        var result = await RunAsync(Handler("http"), HttpStep(server.BaseUrl, """, "timeout": "200ms" """), services: RealTime);

        var failed = Assert.IsType<StepResult.Failed>(result);
        Assert.Equal("timeout", failed.Code);
        Assert.True(failed.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_EngineCancels_ThrowsSoTheEngineRecordsItsOwnTimeout()
    {
        await using var server = new LocalHttpServer(_ => new(200, "{}", Delay: TimeSpan.FromSeconds(5)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var context = Context(HttpStep(server.BaseUrl), services: RealTime);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Handler("http").ExecuteAsync(context, cancel.Token));
    }

    [Fact]
    public async Task ExecuteAsync_NothingListening_FailsRetryable()
    {
        string url;
        await using (var server = new LocalHttpServer(_ => new(200)))
            url = server.BaseUrl;

        var result = await RunAsync(Handler("http"), HttpStep(url), services: RealTime);

        var failed = Assert.IsType<StepResult.Failed>(result);
        Assert.Equal("http_error", failed.Code);
        Assert.True(failed.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_BodyOverTenMegabytes_FailsNotRetryable()
    {
        var big = new string('a', (int)new OutboundHttpOptions().MaxResponseBytes + 10);
        await using var server = new LocalHttpServer(_ => new(200, big, "text/plain"));

        var result = await RunAsync(Handler("http"), HttpStep(server.BaseUrl), services: RealTime);

        var failed = Assert.IsType<StepResult.Failed>(result);
        Assert.Equal("http_response_too_large", failed.Code);
        Assert.False(failed.Retryable);
    }

    [Theory]
    [InlineData("""{}""", "config.url")]
    [InlineData("""{"url": "ftp://x/y"}""", "config.url")]
    [InlineData("""{"url": "/relative"}""", "config.url")]
    [InlineData("""{"url": "http://x", "method": "BREW"}""", "config.method")]
    [InlineData("""{"url": "http://x", "headers": "no"}""", "config.headers")]
    [InlineData("""{"url": "http://x", "timeout": "soon"}""", "config.timeout")]
    [InlineData("""{"url": "http://x", "fail_on_status": "yes"}""", "config.fail_on_status")]
    public void ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Contains(field, Fields(Handler("http"), Step("http", config)));
    }

    [Theory]
    [InlineData("""{"url": "https://example.com/a", "method": "delete", "timeout": 5}""")]
    [InlineData("""{"url": "{{ $.input.endpoint }}"}""")]
    public void ValidateConfig_GoodConfig_NoIssues(string config)
    {
        Assert.Empty(Handler("http").ValidateConfig(Step("http", config)));
    }
}
