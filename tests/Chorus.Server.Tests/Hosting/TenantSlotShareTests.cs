using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Hosting;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Chorus.Server.Tests.Hosting;

/// <summary>TENANT_SLOT_SHARE read from the environment reaches admission: with MAX_CONCURRENT_WORKFLOWS=2 and a
/// share of 0.5 one tenant holds at most one slot, so a tenant whose executions wait for ever cannot keep another
/// tenant's executions pending.</summary>
public sealed class TenantSlotShareTests : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"chorus-share-{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = _databasePath,
            ["SQLITE_SYNCHRONOUS"] = "normal",
            ["MAX_CONCURRENT_WORKFLOWS"] = "2",
            ["TENANT_SLOT_SHARE"] = "0.5",
            ["JWT_SECRET"] = TestTokens.Secret,
        };
        var options = ServerOptions.FromEnvironment(name => environment.GetValueOrDefault(name));
        _app = await ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0"], options);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try { File.Delete(_databasePath + suffix); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task TenantAtItsShare_ItsNextStartIsPending_AnotherTenantsExecutionCompletes()
    {
        var wedged = ApiCalls.NewTenant();
        var other = ApiCalls.NewTenant();
        var waits = await _client.CreateWorkflow(wedged, Definitions.WaitForEvent("go"));
        var first = await _client.Execute(wedged, waits);
        await _client.WaitForStatus(wedged, first, "waiting");
        var second = await _client.Execute(wedged, waits);

        var greeting = await _client.CreateWorkflow(other, Definitions.Greeting());
        var completed = await _client.WaitForCompletion(other, await _client.Execute(other, greeting, new JsonObject { ["name"] = "b" }));

        Assert.Equal("hello b", completed.Str("output.greeting"));
        Assert.Equal("pending", (await _client.Get($"/api/executions/{second}", wedged)).Expect(HttpStatusCode.OK).Str("status"));
        (await _client.Post($"/api/executions/{first}/events", wedged, new JsonObject { ["name"] = "go" })).Expect(HttpStatusCode.Accepted);
        await _client.WaitForStatus(wedged, second, "waiting");
    }
}
