using System.Net;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class HealthTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Health_WithoutTenantHeader_Returns200Ok()
    {
        var health = (await _client.Get("/health", tenant: null)).Expect(HttpStatusCode.OK);

        Assert.Equal("ok", health.Str("status"));
        Assert.Equal("chorus", health.Str("service"));
        Assert.False(string.IsNullOrEmpty(health.RequestId));
    }

    [Fact]
    public async Task Ready_WithoutTenantHeader_ReportsDatabaseOk()
    {
        var ready = (await _client.Get("/health/ready", tenant: null)).Expect(HttpStatusCode.OK);

        Assert.Equal("ready", ready.Str("status"));
        Assert.Equal("ok", ready.Str("checks.database"));
    }

    [Fact]
    public async Task Health_WithInvalidTenantHeader_StillReturns200()
    {
        var health = await _client.Get("/health", "bad tenant!");

        health.Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_Post_Returns405WithErrorShape()
    {
        var posted = await _client.Post("/health", tenant: null);

        posted.ExpectError(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(posted.RequestId, posted.Str("error.request_id"));
    }
}
