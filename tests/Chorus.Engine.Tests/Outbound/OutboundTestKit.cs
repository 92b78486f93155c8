using System.Net;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using Chorus.Engine.Tests.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Outbound;

/// <summary>Runs a real http step through an <see cref="OutboundHttp"/> built for the test's policy.</summary>
internal static class OutboundTestKit
{
    public static OutboundHttp Http(OutboundHttpOptions? options = null, IReadOnlyDictionary<string, string[]>? names = null) =>
        new(options ?? new OutboundHttpOptions(), Resolver(names ?? new Dictionary<string, string[]>()));

    public static Task<StepResult> CallAsync(OutboundHttp http, string url, string extra = "") =>
        RunAsync(Handler("http"), Step("http", $$"""{"url": "{{url}}"{{extra}}}"""), services: new TestStepServices { Http = http });

    public static StepResult.Failed AssertRefused(StepResult result, string host)
    {
        var failed = Assert.IsType<StepResult.Failed>(result);
        Assert.Equal("http_target_refused", failed.Code);
        Assert.False(failed.Retryable);
        Assert.Contains($"'{host}'", failed.Message);
        Assert.Contains("refused by the outbound HTTP policy", failed.Message);
        return failed;
    }

    /// <summary>The test's own names first (as a DNS server under someone else's control would answer), then the
    /// system's resolver for the rest (localhost).</summary>
    private static HostResolver Resolver(IReadOnlyDictionary<string, string[]> names) => async (host, ct) =>
        names.TryGetValue(host, out var addresses)
            ? addresses.Select(IPAddress.Parse).ToList()
            : await Dns.GetHostAddressesAsync(host, ct);
}
