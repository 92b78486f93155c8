using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Outbound.OutboundTestKit;

namespace Chorus.Engine.Tests.Outbound;

/// <summary>Which targets an http step may reach, over real sockets on 127.0.0.x.</summary>
public sealed class OutboundPolicyTests
{
    private static RawHttpServer.Reply Ok(RawHttpServer.Received _) => new(200, "secret");

    [Fact]
    public async Task Loopback_ByDefault_IsRefusedAndTheServerIsNeverConnectedTo()
    {
        await using var server = new RawHttpServer(Ok);
        using var http = Http();

        var result = await CallAsync(http, server.Url("/admin"));

        AssertRefused(result, "127.0.0.1");
        Assert.Equal(0, server.Connections);
    }

    [Theory]
    [InlineData("2130706433")]
    [InlineData("0x7f.1")]
    [InlineData("0x7f000001")]
    [InlineData("127.1")]
    [InlineData("0177.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("0")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::ffff:7f00:1]")]
    [InlineData("[::1]")]
    [InlineData("localhost")]
    public async Task LoopbackInAnotherSpelling_IsRefused(string host)
    {
        await using var server = new RawHttpServer(Ok);
        using var http = Http();

        var result = await CallAsync(http, $"http://{host}:{server.Port}/");

        var failed = Assert.IsType<StepResult.Failed>(result);
        Assert.Equal("http_target_refused", failed.Code);
        Assert.False(failed.Retryable);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task PublicLookingName_ResolvingToLoopback_IsRefused()
    {
        await using var server = new RawHttpServer(Ok);
        using var http = Http(names: new Dictionary<string, string[]> { ["api.partner.example"] = ["127.0.0.1"] });

        var result = await CallAsync(http, $"http://api.partner.example:{server.Port}/");

        AssertRefused(result, "api.partner.example");
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task NameWithRefusedAndAllowedAddresses_ConnectsOnlyToTheAllowedOne()
    {
        await using var allowed = new RawHttpServer(_ => new(200, "allowed"));
        await using var refused = new RawHttpServer(_ => new(200, "refused"), "127.0.0.2", allowed.Port);
        using var http = Http(new OutboundHttpOptions { AllowHosts = ["127.0.0.1/32"] },
            new Dictionary<string, string[]> { ["mixed.example"] = ["127.0.0.2", "127.0.0.1"] });

        var result = await CallAsync(http, $"http://mixed.example:{allowed.Port}/");

        var completed = Assert.IsType<StepResult.Completed>(result);
        Assert.Equal("allowed", completed.Output!["body"]!.GetValue<string>());
        Assert.Equal(0, refused.Connections);
    }

    [Fact]
    public async Task RefusedClosedPortAndRefusedOpenPort_GiveTheSameMessage()
    {
        await using var server = new RawHttpServer(Ok);
        var closed = RawHttpServer.ClosedPort();
        using var http = Http();

        var open = AssertRefused(await CallAsync(http, $"http://127.0.0.1:{server.Port}/x"), "127.0.0.1");
        var shut = AssertRefused(await CallAsync(http, $"http://127.0.0.1:{closed}/x"), "127.0.0.1");

        Assert.Equal(open.Message, shut.Message);
        Assert.Equal(open.Details?.ToJsonString(), shut.Details?.ToJsonString());
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task AllowPrivate_LetsLoopbackThrough()
    {
        await using var server = new RawHttpServer(Ok);
        using var http = Http(new OutboundHttpOptions { AllowPrivate = true });

        var completed = Assert.IsType<StepResult.Completed>(await CallAsync(http, server.Url()));

        Assert.Equal("secret", completed.Output!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task AllowHostsCidr_AllowsItsNetworkOnly()
    {
        await using var inside = new RawHttpServer(Ok);
        await using var outside = new RawHttpServer(Ok, "127.0.0.2");
        using var http = Http(new OutboundHttpOptions { AllowHosts = ["127.0.0.1/32"] });

        Assert.IsType<StepResult.Completed>(await CallAsync(http, inside.Url()));
        AssertRefused(await CallAsync(http, outside.Url()), "127.0.0.2");
        Assert.Equal(0, outside.Connections);
    }

    [Theory]
    [InlineData("localhost", "localhost")]
    [InlineData("*.corp.example", "api.corp.example")]
    [InlineData("API.Corp.Example", "api.corp.example")]
    public async Task AllowHostsName_AllowsThatNameWhateverItResolvesTo(string entry, string host)
    {
        await using var server = new RawHttpServer(Ok);
        using var http = Http(new OutboundHttpOptions { AllowHosts = [entry] },
            new Dictionary<string, string[]> { ["api.corp.example"] = ["127.0.0.1"], ["other.example"] = ["127.0.0.1"] });

        var allowed = await CallAsync(http, $"http://{host}:{server.Port}/");
        var other = await CallAsync(http, $"http://other.example:{server.Port}/");

        Assert.IsType<StepResult.Completed>(allowed);
        AssertRefused(other, "other.example");
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AllowedTargetThatIsDown_FailsRetryableWithoutTheSocketsWords()
    {
        var closed = RawHttpServer.ClosedPort();
        using var http = Http(new OutboundHttpOptions { AllowPrivate = true });

        var failed = Assert.IsType<StepResult.Failed>(await CallAsync(http, $"http://127.0.0.1:{closed}/"));

        Assert.Equal("http_error", failed.Code);
        Assert.True(failed.Retryable);
        Assert.EndsWith("failed: connection failed.", failed.Message);
    }

    [Fact]
    public async Task Timeout_FromTheOptions_BoundsARequestWhoseStepSetsNone()
    {
        await using var server = new RawHttpServer(_ => new(200, "late", Delay: TimeSpan.FromSeconds(10)));
        using var http = Http(new OutboundHttpOptions { AllowPrivate = true, Timeout = TimeSpan.FromMilliseconds(300) });

        var failed = Assert.IsType<StepResult.Failed>(await CallAsync(http, server.Url()));

        Assert.Equal("timeout", failed.Code);
    }
}
