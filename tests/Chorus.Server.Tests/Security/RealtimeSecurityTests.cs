using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Security;

/// <summary>The WebSocket verifies credentials as the REST API does: on the upgrade, in the authenticate message,
/// and again when a token expires; and it never lets a client watch more than its role and tenant allow.</summary>
public sealed class RealtimeSecurityTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _api = fixture.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private static JsonObject Authenticate(string token, string? tenant = null) =>
        new() { ["action"] = "authenticate", ["token"] = token, ["tenant_id"] = tenant };

    private static JsonObject Subscribe(params string[] topics) => new() { ["action"] = "subscribe", ["topics"] = Json.Array(topics) };

    private static void AssertError(JsonObject message, string code)
    {
        Assert.True((string?)message["type"] == "error", message.ToJsonString());
        Assert.True(code == (string?)message["error"]?["code"], message.ToJsonString());
        Assert.False(string.IsNullOrWhiteSpace((string?)message["error"]?["message"]), message.ToJsonString());
        Assert.IsType<JsonObject>(message["error"]?["details"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)message["error"]?["request_id"]), message.ToJsonString());
    }

    /// <summary>An upgrade request by hand, to read the refusal's body, which a WebSocket client does not expose.</summary>
    private async Task<(int Status, string Head, JsonObject? Body)> RawUpgradeAsync(params string[] headers)
    {
        var address = _api.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append("GET /api/workflows/ws HTTP/1.1\r\n")
            .Append($"Host: {address.Authority}\r\n")
            .Append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")
            .Append($"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\n");
        foreach (var header in headers)
            request.Append(header).Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));

        using var timeout = new CancellationTokenSource(RealtimeClient.Patience);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var text = Encoding.UTF8.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var rest = text[(end + 4)..];
                var status = int.Parse(head.Split(' ')[1]);
                if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
                {
                    if (rest.EndsWith("0\r\n\r\n", StringComparison.Ordinal))
                        return (status, head, JsonNode.Parse(Dechunk(rest))!.AsObject());
                }
                else
                {
                    var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } line
                        ? int.Parse(line["Content-Length:".Length..].Trim()) : 0;
                    if (Encoding.UTF8.GetByteCount(rest) >= length)
                        return (status, head, length == 0 ? null : JsonNode.Parse(rest)!.AsObject());
                }
            }
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
                throw new Xunit.Sdk.XunitException($"The server closed the connection after: {text}");
            received.Write(buffer, 0, read);
        }
    }

    /// <summary>The body of a chunked response (ASCII JSON here, so characters count as bytes).</summary>
    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..lineEnd].Split(';')[0], 16);
            if (size == 0)
                return body.ToString();
            body.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    public static TheoryData<string> BadUpgradeTokens => ["garbage", "alg none", "other key", "expired", "no exp"];

    private string BadToken(string kind) => kind switch
    {
        "garbage" => "garbage-token-value",
        "alg none" => Jwts.Unsigned(Jwts.Claims(_tenant)),
        "other key" => Jwts.Hs256(Jwts.Claims(_tenant), RandomNumberGenerator.GetBytes(32)),
        "expired" => Jwts.Hs256(Jwts.Claims(_tenant).With("exp", Jwts.Now - 120)),
        "no exp" => Jwts.Hs256(Jwts.Claims(_tenant).Without("exp")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(BadUpgradeTokens))]
    public async Task UpgradeWithBadToken_IsHttp401InTheErrorShape_NoUpgrade(string kind)
    {
        var token = BadToken(kind);

        var (status, head, body) = await RawUpgradeAsync($"Authorization: Bearer {token}", $"X-Tenant-ID: {_tenant}");
        var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        client.Options.CollectHttpResponseDetails = true;
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(RealtimeClient.Address(_api), CancellationToken.None));

        Assert.Equal(401, status);
        Assert.DoesNotContain("Upgrade", head, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(body);
        Assert.Equal("unauthorized", (string?)body["error"]?["code"]);
        Assert.IsType<JsonObject>(body["error"]?["details"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]?["request_id"]));
        Assert.DoesNotContain(token, body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, client.HttpStatusCode);
        Assert.NotNull(refused);
    }

    [Fact]
    public async Task UpgradeWithTenantOutsideTheToken_IsHttp403()
    {
        var (status, _, body) = await RawUpgradeAsync($"Authorization: Bearer {TestTokens.For(_tenant)}", $"X-Tenant-ID: {ApiCalls.NewTenant()}");

        Assert.Equal(403, status);
        Assert.Equal("permission_denied", (string?)body?["error"]?["code"]);
    }

    [Fact]
    public async Task UpgradeWithMalformedTenantHeader_IsHttp400()
    {
        var (status, _, body) = await RawUpgradeAsync("X-Tenant-ID: ../etc");

        Assert.Equal(400, status);
        Assert.Equal("invalid_input", (string?)body?["error"]?["code"]);
    }

    [Fact]
    public async Task TenantHeaderAlone_GrantsNothing()
    {
        await using var client = await RealtimeClient.ConnectWithHeadersAsync(_api, [new("X-Tenant-ID", _tenant)]);

        var subscribe = await client.RequestAsync(Subscribe("all_executions"));
        var unsubscribe = await client.RequestAsync(new JsonObject { ["action"] = "unsubscribe", ["topics"] = Json.Array(["all_executions"]) });

        AssertError(subscribe, "unauthorized");
        AssertError(unsubscribe, "unauthorized");
    }

    [Theory]
    [MemberData(nameof(BadUpgradeTokens))]
    public async Task AuthenticateMessageWithBadToken_IsUnauthorized_AndGrantsNothing(string kind)
    {
        var token = BadToken(kind);
        await using var client = await RealtimeClient.ConnectAsync(_api, null);

        var answer = await client.RequestAsync(Authenticate(token, _tenant));
        var subscribe = await client.RequestAsync(Subscribe($"workflow:{Guid.NewGuid()}"));

        AssertError(answer, "unauthorized");
        Assert.DoesNotContain(token, answer.ToJsonString(), StringComparison.Ordinal);
        AssertError(subscribe, "unauthorized");
    }

    [Fact]
    public async Task AuthenticateMessageForATenantOutsideTheToken_IsPermissionDenied()
    {
        await using var client = await RealtimeClient.ConnectAsync(_api, null);

        var answer = await client.RequestAsync(Authenticate(TestTokens.For(_tenant), ApiCalls.NewTenant()));
        var subscribe = await client.RequestAsync(Subscribe($"workflow:{Guid.NewGuid()}"));

        AssertError(answer, "permission_denied");
        AssertError(subscribe, "unauthorized");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WholeTenantTopics_AreForAdmins(bool onUpgrade)
    {
        await using var member = await ConnectAs(Role.Member, onUpgrade);
        await using var viewer = await ConnectAs(Role.Viewer, onUpgrade);
        await using var admin = await ConnectAs(Role.Admin, onUpgrade);

        AssertError(await member.RequestAsync(Subscribe("all_executions")), "permission_denied");
        AssertError(await member.RequestAsync(Subscribe("all_workflows")), "permission_denied");
        AssertError(await viewer.RequestAsync(Subscribe("all_executions")), "permission_denied");
        // One whole-tenant topic among allowed ones refuses the whole request.
        AssertError(await member.RequestAsync(Subscribe($"workflow:{Guid.NewGuid()}", "all_workflows")), "permission_denied");
        await member.SubscribeAsync($"execution:{Guid.NewGuid()}");
        await admin.SubscribeAsync("all_executions", "all_workflows");
    }

    private async Task<RealtimeClient> ConnectAs(Role role, bool onUpgrade)
    {
        var token = TestTokens.For(_tenant, role);
        if (onUpgrade)
            return await RealtimeClient.ConnectAsync(_api, _tenant, token);
        var client = await RealtimeClient.ConnectAsync(_api, null);
        var answer = await client.RequestAsync(Authenticate(token, _tenant));
        Assert.True((string?)answer["type"] == "authenticated", answer.ToJsonString());
        return client;
    }

    [Fact]
    public async Task NeverAuthenticating_IsToldAndClosedAfterTenSeconds()
    {
        var clock = Stopwatch.StartNew();
        await using var client = await RealtimeClient.ConnectAsync(_api, null);

        var message = await client.NextAsync();
        var waited = clock.Elapsed;
        await client.Closed.WaitAsync(RealtimeClient.Patience);

        AssertError(message, "unauthorized");
        Assert.True(waited >= TimeSpan.FromSeconds(9), $"closed after {waited}");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }

    [Fact]
    public async Task ExpiringToken_GetsUnauthorizedAndIsClosedAtTheNextEvent_WithNoEventAfterExpiry()
    {
        var workflow = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var expires = Jwts.Now + 3;
        var token = Jwts.Hs256(Jwts.Claims(_tenant).With("exp", expires));
        await using var client = await RealtimeClient.ConnectAsync(_api, _tenant, token);
        await client.SubscribeAsync("all_executions");
        while (Jwts.Now <= expires)
            await Task.Delay(200);
        await Task.Delay(300);

        var execution = await _api.Execute(_tenant, workflow, new JsonObject { ["name"] = "after expiry" });
        await _api.WaitForCompletion(_tenant, execution);
        var first = await client.NextAsync();
        await client.Closed.WaitAsync(RealtimeClient.Patience);

        AssertError(first, "unauthorized");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.True(client.NothingPending, "a message followed the expiry error");
    }

    [Fact]
    public async Task ExpiredToken_CannotSubscribe()
    {
        var expires = Jwts.Now + 2;
        var token = Jwts.Hs256(Jwts.Claims(_tenant).With("exp", expires));
        await using var client = await RealtimeClient.ConnectAsync(_api, _tenant, token);
        while (Jwts.Now <= expires)
            await Task.Delay(200);
        await Task.Delay(300);

        AssertError(await client.RequestAsync(Subscribe($"workflow:{Guid.NewGuid()}")), "unauthorized");
    }

    [Fact]
    public async Task OtherTenantsAuthenticatedMember_NeverReceivesTheTenantsEvents()
    {
        var stranger = ApiCalls.NewTenant();
        var workflow = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var strangerWorkflow = await _api.CreateWorkflow(stranger, Definitions.Greeting());
        await using var client = await RealtimeClient.ConnectAsync(_api, null);
        Assert.Equal("authenticated", (string?)(await client.RequestAsync(Authenticate(TestTokens.For(stranger, Role.Member))))["type"]);
        await client.SubscribeAsync($"workflow:{workflow}", $"workflow:{strangerWorkflow}");

        var owners = await _api.Execute(_tenant, workflow, new JsonObject { ["name"] = "owner" });
        await _api.WaitForCompletion(_tenant, owners);
        // Committed after all of the owner's events: once it arrives, any of the owner's would have arrived first.
        var barrier = await _api.Execute(stranger, strangerWorkflow, new JsonObject { ["name"] = "stranger" });
        var seen = await client.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed");

        Assert.All(seen, m => Assert.Equal(barrier, (string?)m["execution_id"]));
        Assert.DoesNotContain(seen, m => m.ToJsonString().Contains(owners, StringComparison.Ordinal));
    }
}
