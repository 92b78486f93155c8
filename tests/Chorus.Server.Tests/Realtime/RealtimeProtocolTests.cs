using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Realtime;

/// <summary>The messages of the protocol, and every malformed one answered with an error message in the API's
/// error shape while the connection stays usable.</summary>
public sealed class RealtimeProtocolTests(RealtimeServer server) : IClassFixture<RealtimeServer>
{
    private readonly HttpClient _api = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task Ping_BeforeAndAfterNamingTheTenant_GetsPongWithTheServerTime()
    {
        await using var anonymous = await server.ConnectAsync(tenant: null);
        await using var named = await server.ConnectAsync(_tenant);
        var before = DateTimeOffset.UtcNow;

        var first = await anonymous.RequestAsync(new JsonObject { ["action"] = "ping", ["timestamp"] = "2024-01-01T00:00:00Z" });
        var second = await named.RequestAsync(new JsonObject { ["action"] = "ping" });

        foreach (var pong in new[] { first, second })
        {
            Assert.Equal("pong", (string?)pong["type"]);
            var at = DateTimeOffset.Parse((string)pong["timestamp"]!, CultureInfo.InvariantCulture);
            Assert.InRange(at, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        }
    }

    [Fact]
    public async Task AuthenticateMessage_NamesTheTenant_ThenSubscriptionsDeliverItsEvents()
    {
        var workflowId = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        await using var client = await server.ConnectAsync(tenant: null);

        var refused = await client.RequestAsync(Subscribe($"workflow:{workflowId}"));
        var refusedUnsubscribe = await client.RequestAsync(new JsonObject { ["action"] = "unsubscribe", ["topics"] = Json.Array([$"workflow:{workflowId}"]) });
        var forged = await client.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = "not-a-jwt", ["tenant_id"] = _tenant });
        var refusedAfterForgery = await client.RequestAsync(Subscribe($"workflow:{workflowId}"));
        var authenticated = await client.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = TestTokens.For(_tenant), ["tenant_id"] = _tenant });
        var again = await client.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = TestTokens.For(_tenant, Role.Member) });
        var otherTenant = ApiCalls.NewTenant();
        var switchTenant = await client.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = TestTokens.For(otherTenant), ["tenant_id"] = otherTenant });
        await client.SubscribeAsync($"workflow:{workflowId}");
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Dee" });
        var events = await client.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed");

        AssertError(refused, "unauthorized");
        AssertError(refusedUnsubscribe, "unauthorized");
        AssertError(forged, "unauthorized");
        AssertError(refusedAfterForgery, "unauthorized");
        Assert.Equal("authenticated", (string?)authenticated["type"]);
        Assert.Equal(_tenant, (string?)authenticated["tenant_id"]);
        Assert.Equal("authenticated", (string?)again["type"]);
        Assert.Equal(_tenant, (string?)again["tenant_id"]);
        AssertError(switchTenant, "permission_denied");
        Assert.All(events, m => Assert.Equal(id, (string?)m["execution_id"]));
        Assert.Equal("hello Dee", (string?)events[^1]["output"]!["greeting"]);
    }

    public static TheoryData<string, string?> MalformedMessages => new()
    {
        { "{oops", null },
        { "", null },
        { "[1, 2]", null },
        { "\"subscribe\"", null },
        { "{}", "action" },
        { """{"action": 5}""", "action" },
        { """{"action": "dance"}""", "action" },
        { """{"action": "subscribe"}""", "topics" },
        { """{"action": "subscribe", "topics": "all_executions"}""", "topics" },
        { """{"action": "subscribe", "topics": []}""", "topics" },
        { """{"action": "subscribe", "topics": [42]}""", "topics" },
        { """{"action": "subscribe", "topics": ["execution:not-a-uuid"]}""", "topics" },
        { """{"action": "subscribe", "topics": ["executions:0191d2c4-5f6a-7b8c-9d0e-1f2a3b4c5d6e"]}""", "topics" },
        { """{"action": "subscribe", "topics": ["workflow:"]}""", "topics" },
        { """{"action": "subscribe", "topics": ["all_executions", "everything"]}""", "topics" },
        { """{"action": "unsubscribe"}""", "topics" },
        { """{"action": "authenticate", "tenant_id": "bad tenant!"}""", "tenant_id" },
        { """{"action": "authenticate", "token": 7}""", "token" },
        { new string('[', 100) + new string(']', 100), null },
    };

    [Theory]
    [MemberData(nameof(MalformedMessages))]
    public async Task MalformedMessage_GetsInvalidInput_AndTheConnectionStaysUsable(string message, string? field)
    {
        await using var client = await server.ConnectAsync(_tenant);

        await client.SendTextAsync(message);
        var error = await client.NextAsync();

        AssertError(error, "invalid_input");
        if (field is not null)
            Assert.Equal(field, (string?)error["error"]!["details"]!["field"]);
        await AssertUsableAsync(client);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(4096)]
    public async Task OversizedMessage_InOneFrameOrMany_GetsPayloadTooLarge_AndTheConnectionStaysUsable(int frameSize)
    {
        await using var client = await server.ConnectAsync(_tenant);
        var topics = Enumerable.Range(0, 2000).Select(_ => $"execution:{Guid.NewGuid()}");
        var huge = Encoding.UTF8.GetBytes(Subscribe([.. topics]).ToJsonString());
        Assert.True(huge.Length > 64 * 1024);

        await client.SendRawAsync(huge, WebSocketMessageType.Text, frameSize);
        var error = await client.NextAsync();

        AssertError(error, "payload_too_large");
        Assert.Equal(64 * 1024, (int)error["error"]!["details"]!["limit_bytes"]!);
        await AssertUsableAsync(client);
    }

    [Fact]
    public async Task BinaryFrame_GetsInvalidInput_AndTheConnectionStaysUsable()
    {
        await using var client = await server.ConnectAsync(_tenant);

        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"action": "ping"}"""), WebSocketMessageType.Binary);
        var error = await client.NextAsync();

        AssertError(error, "invalid_input");
        await AssertUsableAsync(client);
    }

    [Fact]
    public async Task TooManyTopics_GetsInvalidInputWithTheLimit()
    {
        await using var client = await server.ConnectAsync(_tenant);
        var topics = Enumerable.Range(0, 1001).Select(_ => $"workflow:{Guid.NewGuid()}").ToArray();

        var error = await client.RequestAsync(Subscribe(topics));

        AssertError(error, "invalid_input");
        Assert.Equal(1000, (int)error["error"]!["details"]!["limit"]!);
        await AssertUsableAsync(client);
    }

    [Fact]
    public async Task Errors_CarryADistinctRequestIdPerMessage()
    {
        await using var client = await server.ConnectAsync(_tenant);

        var first = await client.RequestAsync(new JsonObject { ["action"] = "dance" });
        var second = await client.RequestAsync(new JsonObject { ["action"] = "dance" });

        var ids = new[] { first, second }.Select(e => (string?)e["error"]!["request_id"]).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task PlainGet_IsA400InTheErrorShape()
    {
        var response = await _api.Get("/api/workflows/ws", _tenant);

        response.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.False(string.IsNullOrEmpty(response.Str("error.request_id")));
    }

    [Fact]
    public async Task UpgradeWithAMalformedTenantHeader_IsRefusedWith400()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("X-Tenant-ID", "bad tenant!");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(RealtimeClient.Address(_api), CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task ServerShutdown_ClosesOpenConnectionsWithGoingAway()
    {
        var own = await ChorusTestServer.StartAsync();
        var client = await RealtimeClient.ConnectAsync(own.Client, _tenant);
        await client.SubscribeAsync("all_executions");

        var stopping = own.DisposeAsync().AsTask();
        await client.Closed.WaitAsync(RealtimeClient.Patience);
        await stopping.WaitAsync(RealtimeClient.Patience);
        await client.DisposeAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
    }

    private static JsonObject Subscribe(params string[] topics) => new() { ["action"] = "subscribe", ["topics"] = Json.Array(topics) };

    private static void AssertError(JsonObject message, string code)
    {
        Assert.True((string?)message["type"] == "error", $"Expected an error message: {message.ToJsonString()}");
        var error = message["error"]!.AsObject();
        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.DoesNotContain(" at Chorus.", (string)error["message"]!);
        Assert.IsType<JsonObject>(error["details"]);
        Assert.False(string.IsNullOrEmpty((string?)error["request_id"]));
    }

    /// <summary>After an error the same connection still subscribes and answers pings.</summary>
    private static async Task AssertUsableAsync(RealtimeClient client)
    {
        await client.SubscribeAsync("all_workflows");
        var pong = await client.RequestAsync(new JsonObject { ["action"] = "ping" });
        Assert.Equal("pong", (string?)pong["type"]);
    }
}
