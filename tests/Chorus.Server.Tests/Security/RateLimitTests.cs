using System.Net;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Security;

/// <summary>Per-credential and per-tenant request limits: over them a request is 429 rate_limited with
/// Retry-After and changes nothing, and a tenant over its limit does not slow another down.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private ChorusTestServer? _server;

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() =>
        _server = await ChorusTestServer.StartAsync(configure: o => o with { RateLimitPerTenant = 5, RateLimitPerCredential = 3 });

    public async Task DisposeAsync() => await _server!.DisposeAsync();

    [Fact]
    public async Task CredentialOverItsLimit_Gets429WithRetryAfter_AndItsWriteIsNotMade()
    {
        var tenant = ApiCalls.NewTenant();
        // The bucket holds twice the rate per second: 6 requests pass at once, the rest are refused.
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 12; i++)
            answers.Add(await Client.Post("/api/workflows", tenant, Definitions.Greeting($"wf-{i}")));

        var refused = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            r.ExpectError(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.True(int.Parse(r.Headers["Retry-After"]) >= 1);
            Assert.NotNull(r.Str("error.request_id"));
        });
        await Task.Delay(TimeSpan.FromSeconds(3)); // let the bucket refill before reading
        var list = (await Client.Get("/api/workflows?limit=100", tenant)).Expect(HttpStatusCode.OK);
        var created = answers.Count(a => a.Status == HttpStatusCode.Created);
        Assert.Equal(created, list.Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task TenantOverItsLimit_DoesNotSlowAnotherTenant()
    {
        var noisy = ApiCalls.NewTenant();
        var quiet = ApiCalls.NewTenant();
        // Two credentials of the noisy tenant exhaust its tenant bucket (10) between them.
        var statuses = new List<HttpStatusCode>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 8; i++)
        {
            foreach (var role in new[] { Role.Admin, Role.Viewer })
                statuses.Add((await Client.Send(HttpMethod.Get, "/api/workflows", noisy, null,
                    headers: [new("Authorization", $"Bearer {TestTokens.For(noisy, role)}")])).Status);
        }

        // The bucket gets 5 more each second: a slow machine may see one or two refills while the loop runs.
        var refills = 5 * ((int)clock.Elapsed.TotalSeconds + 1);
        var quietAnswer = await Client.Get("/api/workflows", quiet);

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= 10 + refills, "the tenant's bucket holds at most 10 requests, and refills 5 a second");
        quietAnswer.Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_IsNeverLimited()
    {
        for (var i = 0; i < 30; i++)
            (await Client.Get("/health", tenant: null)).Expect(HttpStatusCode.OK);
    }
}
