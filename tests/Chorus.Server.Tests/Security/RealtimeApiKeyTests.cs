using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests.Security;

/// <summary>A WebSocket connection that authenticated with an API key ends, like one whose token expired, once the
/// key is revoked: it is told so and closed as soon as this node knows of the revocation (at once when revoked
/// here; when revoked elsewhere, once an event has had the key re-read).</summary>
public sealed class RealtimeApiKeyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _api = fixture.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private static string? Event(JsonObject message) => (string?)message["event"];

    private async Task<(string Id, RealtimeClient Client)> ConnectWithNewKeyAsync()
    {
        var created = (await _api.Post("/api/api-keys", _tenant, new JsonObject { ["name"] = "watcher", ["role"] = "admin" })).Expect(HttpStatusCode.Created);
        var client = await RealtimeClient.ConnectWithHeadersAsync(_api, [new("X-API-Key", created.Str("key")!)]);
        await client.SubscribeAsync("all_executions");
        return (created.Str("id")!, client);
    }

    private static void AssertRevokedAndClosed(JsonObject error, RealtimeClient client)
    {
        Assert.True((string?)error["type"] == "error", error.ToJsonString());
        Assert.Equal("unauthorized", (string?)error["error"]?["code"]);
        Assert.Contains("revoked", (string?)error["error"]?["message"], StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }

    [Fact]
    public async Task KeyRevokedThroughTheApi_EndsTheConnectionAtOnce_WithNoEventAfterIt()
    {
        var workflow = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var (keyId, client) = await ConnectWithNewKeyAsync();
        await using var _ = client;
        var before = await _api.Execute(_tenant, workflow, new JsonObject { ["name"] = "before" });
        await client.ReadUntilAsync(m => Event(m) == "workflow_execution_completed" && (string?)m["execution_id"] == before);

        (await _api.Delete($"/api/api-keys/{keyId}", _tenant)).Expect(HttpStatusCode.NoContent);
        // No event is needed to end it: the revocation itself does.
        var first = await client.NextAsync();
        await client.Closed.WaitAsync(RealtimeClient.Patience);
        var after = await _api.Execute(_tenant, workflow, new JsonObject { ["name"] = "after" });
        await _api.WaitForCompletion(_tenant, after);

        AssertRevokedAndClosed(first, client);
        Assert.True(client.NothingPending, "a message followed the revocation error");
    }

    [Fact]
    public async Task KeyRevokedElsewhere_IsFoundWithinSeconds_AndEndsTheConnection()
    {
        var workflow = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var (keyId, client) = await ConnectWithNewKeyAsync();
        await using var _ = client;
        // As another node would: in the store, without this node's revocation route.
        var store = fixture.Server.Services.GetRequiredService<IApiKeyStore>();
        Assert.True(await store.RevokeApiKeyAsync(new TenantId(_tenant), keyId, DateTimeOffset.UtcNow, CancellationToken.None));
        await Task.Delay(ApiKeyRevocations.RecheckInterval + TimeSpan.FromMilliseconds(500));

        var after = await _api.Execute(_tenant, workflow, new JsonObject { ["name"] = "after" });
        await _api.WaitForCompletion(_tenant, after);
        // The first event may still go out while the key is re-read; the next ones do not.
        var received = await client.ReadUntilAsync(m => (string?)m["type"] == "error");
        await client.Closed.WaitAsync(RealtimeClient.Patience);

        AssertRevokedAndClosed(received[^1], client);
        Assert.True(client.NothingPending, "a message followed the revocation error");
    }
}
