using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Outbound.OutboundTestKit;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Outbound;

/// <summary>Redirects, response size and request headers under the outbound policy. The allowed server is on
/// 127.0.0.1, let through by HTTP_ALLOW_HOSTS=127.0.0.1/32; 127.0.0.2 stands for a refused internal host.</summary>
public sealed class OutboundRedirectTests
{
    private static readonly OutboundHttpOptions OnlyFirstLoopback = new() { AllowHosts = ["127.0.0.1/32"] };

    private static RawHttpServer.Reply RedirectTo(string location, int status = 302) =>
        new(status, Headers: new Dictionary<string, string> { ["Location"] = location });

    [Fact]
    public async Task RedirectFromAllowedTargetToLoopback_IsRefusedAndNeverConnected()
    {
        await using var inside = new RawHttpServer(_ => new(200, "internal data"), "127.0.0.2");
        await using var allowed = new RawHttpServer(_ => RedirectTo(inside.Url("/admin")));
        using var http = Http(OnlyFirstLoopback);

        var result = await CallAsync(http, allowed.Url());

        AssertRefused(result, "127.0.0.2");
        Assert.Single(allowed.Requests);
        Assert.Equal(0, inside.Connections);
    }

    [Fact]
    public async Task RedirectToAName_ResolvingToLoopback_IsRefused()
    {
        await using var inside = new RawHttpServer(_ => new(200, "internal data"), "127.0.0.2");
        await using var allowed = new RawHttpServer(_ => RedirectTo($"http://rebound.example:{inside.Port}/"));
        using var http = Http(OnlyFirstLoopback, new Dictionary<string, string[]> { ["rebound.example"] = ["127.0.0.2"] });

        AssertRefused(await CallAsync(http, allowed.Url()), "rebound.example");
        Assert.Equal(0, inside.Connections);
    }

    [Fact]
    public async Task RedirectLoop_FailsWithTooManyRedirectsAfterTheLimit()
    {
        await using var server = new RawHttpServer(r => RedirectTo(r.Target));
        using var http = Http(OnlyFirstLoopback);

        var failed = Assert.IsType<StepResult.Failed>(await CallAsync(http, server.Url("/loop")));

        Assert.Equal("too_many_redirects", failed.Code);
        Assert.False(failed.Retryable);
        Assert.Equal(new OutboundHttpOptions().MaxRedirects + 1, server.Requests.Count);
    }

    [Fact]
    public async Task RedirectsWithinTheLimit_AreFollowedToTheAnswer()
    {
        await using var server = new RawHttpServer(r => r.Target switch
        {
            "/a" => RedirectTo("/b", 301),
            "/b" => RedirectTo("/c", 307),
            _ => new(200, "arrived " + r.Method),
        });
        using var http = Http(OnlyFirstLoopback with { MaxRedirects = 2 });

        var completed = Assert.IsType<StepResult.Completed>(await CallAsync(http, server.Url("/a")));

        Assert.Equal("arrived GET", completed.Output!["body"]!.GetValue<string>());
        Assert.Equal(["/a", "/b", "/c"], server.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task RedirectToAnotherScheme_IsRefused()
    {
        await using var server = new RawHttpServer(_ => RedirectTo("file:///etc/passwd"));
        using var http = Http(OnlyFirstLoopback);

        var failed = Assert.IsType<StepResult.Failed>(await CallAsync(http, server.Url()));

        Assert.Equal("http_target_refused", failed.Code);
        Assert.Contains("'file'", failed.Message);
    }

    [Fact]
    public async Task Authorization_FollowsASameOriginRedirectButNotACrossOriginOne()
    {
        await using var other = new RawHttpServer(_ => new(200, "other"));
        await using var origin = new RawHttpServer(r => r.Target == "/start" ? RedirectTo("/same") : RedirectTo(other.Url("/cross")));
        using var http = Http(OnlyFirstLoopback);

        Assert.IsType<StepResult.Completed>(await CallAsync(http, origin.Url("/start"),
            """, "headers": {"Authorization": "Bearer s3cret", "Cookie": "session=1", "X-Trace": "t"}"""));

        var sent = origin.Requests.Concat(other.Requests).ToDictionary(r => r.Target);
        Assert.Equal("Bearer s3cret", sent["/same"].Headers["Authorization"]);
        Assert.False(sent["/cross"].Headers.ContainsKey("Authorization"));
        Assert.False(sent["/cross"].Headers.ContainsKey("Cookie"));
        Assert.Equal("t", sent["/cross"].Headers["X-Trace"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResponseOverTheCap_FailsWithHttpResponseTooLarge(bool chunked)
    {
        await using var server = new RawHttpServer(_ => new(200, new string('a', 64 * 1024), Chunked: chunked));
        using var http = Http(OnlyFirstLoopback with { MaxResponseBytes = 16 * 1024 });

        var failed = Assert.IsType<StepResult.Failed>(await CallAsync(http, server.Url()));

        Assert.Equal("http_response_too_large", failed.Code);
        Assert.False(failed.Retryable);
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("host")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Content-Length")]
    [InlineData("Connection")]
    public async Task ForbiddenHeader_IsRejectedByValidationAndAtRunTime(string name)
    {
        await using var server = new RawHttpServer(_ => new(200));
        using var http = Http(OnlyFirstLoopback);
        var config = $$$"""{"url": "{{{server.Url()}}}", "headers": {"{{{name}}}": "internal.admin"}}""";

        var issues = Handler("http").ValidateConfig(Step("http", config)).Select(i => i.Field);
        var run = CallAsync(http, server.Url(), $$""", "headers": {"{{name}}": "internal.admin"}""");

        Assert.Contains($"config.headers.{name}", issues);
        var ex = await Assert.ThrowsAsync<StepConfigurationException>(() => run);
        Assert.Contains($"'{name}'", ex.Message);
        Assert.Equal(0, server.Connections);
    }
}
