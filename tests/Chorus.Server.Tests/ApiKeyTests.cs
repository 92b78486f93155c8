using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>API keys end to end over HTTP: an admin creates one, a machine uses it, the admin revokes it; and
/// everything a key or a lesser role must not do.</summary>
public sealed partial class ApiKeyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Keys = "/api/api-keys";
    private const string Refusal = "The API key is unknown or revoked.";

    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [GeneratedRegex("^chorus_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyFormat();

    private async Task<(string Id, string Key)> CreateKey(string tenant, string role = "member", string name = "deployer")
    {
        var created = (await _client.Post(Keys, tenant, new JsonObject { ["name"] = name, ["role"] = role })).Expect(HttpStatusCode.Created);
        return (created.Str("id")!, created.Str("key")!);
    }

    private Task<ApiResponse> WithKey(HttpMethod method, string path, string key, string? tenant = null, JsonNode? body = null) =>
        _client.Send(method, path, tenant, body is null ? null : ApiCalls.Json(body), headers: [new("X-API-Key", key)]);

    private Task<ApiResponse> WithToken(HttpMethod method, string path, string token, string tenant, JsonNode? body = null) =>
        _client.Send(method, path, tenant, body is null ? null : ApiCalls.Json(body), headers: [new("Authorization", $"Bearer {token}")]);

    [Fact]
    public async Task Create_AsAdmin_ShowsTheKeyOnceAndNeverAgain()
    {
        var created = (await _client.Post(Keys, _tenant, new JsonObject { ["name"] = "deployer", ["role"] = "member" })).Expect(HttpStatusCode.Created);

        var id = created.Str("id")!;
        var key = created.Str("key")!;
        Assert.Matches(KeyFormat(), key);
        Assert.StartsWith($"chorus_{id}_", key);
        Assert.Equal(("deployer", "member", _tenant, "test-admin"), (created.Str("name"), created.Str("role"), created.Str("tenant_id"), created.Str("created_by")));
        Assert.NotNull(created.Str("created_at"));
        Assert.Equal($"/api/api-keys/{id}", created.Location);

        var secret = key[(key.IndexOf('_', "chorus_".Length) + 1)..];
        var one = (await _client.Get($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.OK);
        var list = (await _client.Get(Keys, _tenant)).Expect(HttpStatusCode.OK);
        foreach (var read in new[] { one, list })
        {
            Assert.DoesNotContain(secret, read.Text);
            Assert.DoesNotContain("\"key\"", read.Text);
            Assert.DoesNotContain("hash", read.Text);
        }
        Assert.Equal(id, one.Str("id"));
        Assert.Null(one.Str("revoked_at"));
        Assert.Equal(id, list.Str("items.0.id"));
        Assert.Single(list.Node("items")!.AsArray());
    }

    [Fact]
    public async Task Key_InEitherHeader_ActsForItsTenantWithItsRole()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var (_, key) = await CreateKey(_tenant, role: "member");

        var viaHeader = (await WithKey(HttpMethod.Get, $"/api/workflows/{workflowId}", key)).Expect(HttpStatusCode.OK);
        var viaAuthorization = (await _client.Send(HttpMethod.Get, $"/api/workflows/{workflowId}", null, null,
            headers: [new("Authorization", $"ApiKey {key}")])).Expect(HttpStatusCode.OK);
        var withOwnTenantNamed = (await WithKey(HttpMethod.Get, $"/api/workflows/{workflowId}", key, _tenant)).Expect(HttpStatusCode.OK);

        Assert.All([viaHeader, viaAuthorization, withOwnTenantNamed], r => Assert.Equal(workflowId, r.Str("id")));
        var started = (await WithKey(HttpMethod.Post, $"/api/workflows/{workflowId}/execute", key, body: new JsonObject { ["input"] = new JsonObject() }))
            .Expect(HttpStatusCode.Accepted);
        await _client.WaitForCompletion(_tenant, started.Str("id")!);
    }

    [Fact]
    public async Task Key_AfterUse_HasItsLastUseTime()
    {
        var (id, key) = await CreateKey(_tenant);
        Assert.Null((await _client.Get($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.OK).Str("last_used_at"));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        (await WithKey(HttpMethod.Get, "/api/workflows", key)).Expect(HttpStatusCode.OK);

        var lastUsed = (await _client.Get($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.OK).Str("last_used_at");
        Assert.NotNull(lastUsed);
        Assert.InRange(DateTimeOffset.Parse(lastUsed, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Revoke_ThenUse_Is401AndTheKeyStaysListedAsRevoked()
    {
        var (id, key) = await CreateKey(_tenant);
        (await WithKey(HttpMethod.Get, "/api/workflows", key)).Expect(HttpStatusCode.OK);

        (await _client.Delete($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.NoContent);

        var refused = (await WithKey(HttpMethod.Get, "/api/workflows", key)).ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(Refusal, refused.Str("error.message"));
        var refusedAsAuthorization = await _client.Send(HttpMethod.Get, "/api/workflows", null, null, headers: [new("Authorization", $"ApiKey {key}")]);
        refusedAsAuthorization.ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
        var revokedAt = (await _client.Get($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.OK).Str("revoked_at");
        Assert.NotNull(revokedAt);

        // Revoking again changes nothing, and says so without an error.
        (await _client.Delete($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.NoContent);
        Assert.Equal(revokedAt, (await _client.Get($"{Keys}/{id}", _tenant)).Str("revoked_at"));
    }

    [Fact]
    public async Task UnknownOrTamperedKey_Is401InTheErrorShape()
    {
        var (_, key) = await CreateKey(_tenant);
        var tampered = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');

        foreach (var presented in new[] { tampered, "chorus_0123456789abcdef_" + new string('x', 43), "chorus_nope", "not-a-key" })
        {
            var refused = (await WithKey(HttpMethod.Get, "/api/workflows", presented)).ExpectError(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Equal(Refusal, refused.Str("error.message"));
            Assert.NotNull(refused.Str("error.request_id"));
        }
    }

    [Theory]
    [InlineData(Role.Member)]
    [InlineData(Role.Viewer)]
    public async Task LesserRoleToken_CannotCreateListReadOrRevokeKeys(Role role)
    {
        var (id, key) = await CreateKey(_tenant);
        var token = TestTokens.For(_tenant, role);

        (await WithToken(HttpMethod.Post, Keys, token, _tenant, new JsonObject { ["name"] = "mine", ["role"] = "admin" }))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithToken(HttpMethod.Get, Keys, token, _tenant)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithToken(HttpMethod.Get, $"{Keys}/{id}", token, _tenant)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithToken(HttpMethod.Delete, $"{Keys}/{id}", token, _tenant)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");

        Assert.Single((await _client.Get(Keys, _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());
        (await WithKey(HttpMethod.Get, "/api/workflows", key)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task MemberKey_CannotMintAnAdminKeyOrChangeWorkflows()
    {
        var (_, member) = await CreateKey(_tenant, role: "member");
        var (_, viewer) = await CreateKey(_tenant, role: "viewer", name: "dashboard");

        (await WithKey(HttpMethod.Post, Keys, member, body: new JsonObject { ["name"] = "escalate", ["role"] = "admin" }))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithKey(HttpMethod.Post, "/api/workflows", member, body: Definitions.Greeting())).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithKey(HttpMethod.Post, "/api/workflows", viewer, body: Definitions.Greeting())).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithKey(HttpMethod.Get, "/api/workflows", viewer)).Expect(HttpStatusCode.OK);

        Assert.Equal(2, (await _client.Get(Keys, _tenant)).Node("items")!.AsArray().Count);
        Assert.Equal(0, (await _client.Get("/api/workflows", _tenant)).Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task AdminKey_CanManageKeysOfItsTenant()
    {
        var (adminId, admin) = await CreateKey(_tenant, role: "admin");

        var created = (await WithKey(HttpMethod.Post, Keys, admin, body: new JsonObject { ["name"] = "ci", ["role"] = "viewer" })).Expect(HttpStatusCode.Created);

        Assert.Equal(($"apikey:{adminId}", _tenant), (created.Str("created_by"), created.Str("tenant_id")));
        (await WithKey(HttpMethod.Delete, $"{Keys}/{created.Str("id")}", admin)).Expect(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task AnotherTenantsKeyId_Is404AndTheKeyIsUnchanged()
    {
        var other = ApiCalls.NewTenant();
        var (id, key) = await CreateKey(other);

        (await _client.Get($"{Keys}/{id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await _client.Delete($"{Keys}/{id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await _client.Get(Keys, _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());

        Assert.Null((await _client.Get($"{Keys}/{id}", other)).Expect(HttpStatusCode.OK).Str("revoked_at"));
        (await WithKey(HttpMethod.Get, "/api/workflows", key)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task KeyOfOneTenant_NamingAnotherWithXTenantId_Is403AndSeesNothing()
    {
        var other = ApiCalls.NewTenant();
        var otherWorkflow = await _client.CreateWorkflow(other, Definitions.Greeting());
        var (_, key) = await CreateKey(_tenant, role: "admin");

        (await WithKey(HttpMethod.Get, "/api/workflows", key, other)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithKey(HttpMethod.Get, $"/api/workflows/{otherWorkflow}", key, other)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await WithKey(HttpMethod.Post, Keys, key, other, new JsonObject { ["name"] = "x", ["role"] = "admin" }))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        // Without the header it acts for its own tenant, where the other's workflow does not exist.
        (await WithKey(HttpMethod.Get, $"/api/workflows/{otherWorkflow}", key)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        Assert.Empty((await _client.Get(Keys, other)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());
    }

    [Fact]
    public async Task Key_InTheWebSocketAuthenticateMessage_ActsForItsTenantWithItsRoleUntilRevoked()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var (id, member) = await CreateKey(_tenant, role: "member");
        await using var socket = await RealtimeClient.ConnectAsync(_client, tenant: null);

        var authenticated = await socket.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = member });
        var wholeTenant = await socket.RequestAsync(new JsonObject { ["action"] = "subscribe", ["topics"] = new JsonArray("all_executions") });
        await socket.SubscribeAsync($"workflow:{workflowId}");
        var executionId = await _client.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Kay" });
        var events = await socket.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed");

        Assert.Equal(("authenticated", _tenant), ((string?)authenticated["type"], (string?)authenticated["tenant_id"]));
        Assert.Equal("permission_denied", (string?)wholeTenant["error"]?["code"]);
        Assert.All(events, m => Assert.Equal(executionId, (string?)m["execution_id"]));

        (await _client.Delete($"{Keys}/{id}", _tenant)).Expect(HttpStatusCode.NoContent);
        await using var late = await RealtimeClient.ConnectAsync(_client, tenant: null);
        var refused = await late.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = member });
        Assert.Equal("unauthorized", (string?)refused["error"]?["code"]);
        Assert.Equal(Refusal, (string?)refused["error"]?["message"]);
    }

    [Fact]
    public async Task KeyOfOneTenant_InTheWebSocketAuthenticateMessageNamingAnother_IsRefused()
    {
        var (_, key) = await CreateKey(_tenant, role: "admin");
        await using var socket = await RealtimeClient.ConnectAsync(_client, tenant: null);

        var refused = await socket.RequestAsync(new JsonObject { ["action"] = "authenticate", ["token"] = key, ["tenant_id"] = ApiCalls.NewTenant() });

        Assert.Equal("permission_denied", (string?)refused["error"]?["code"]);
    }

    public static TheoryData<string> BadBodies => new()
    {
        """{"role": "member"}""",
        """{"name": "", "role": "member"}""",
        """{"name": "   ", "role": "member"}""",
        $$"""{"name": "{{new string('n', 101)}}", "role": "member"}""",
        """{"name": 5, "role": "member"}""",
        """{"name": "ci"}""",
        """{"name": "ci", "role": "owner"}""",
        """{"name": "ci", "role": "operator"}""", // a tenant's admin cannot make itself the server's operator
        """{"name": "ci", "role": ["admin"]}""",
        """{"name": "ci", "role": "member", "expires_in": 3600}""",
        """["name", "ci"]""",
        "\"ci\"",
        "null",
        "{",
        "",
        """{"name": "nul\u0000", "role": "member"}""",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadBody_Is400AndCreatesNothing(string body)
    {
        var response = await _client.Send(HttpMethod.Post, Keys, _tenant, ApiCalls.Raw(System.Text.Encoding.UTF8.GetBytes(body), "application/json"));

        response.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Empty((await _client.Get(Keys, _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());
    }

    [Fact]
    public async Task Create_NameOfAHundredCharacters_IsAccepted()
    {
        var name = new string('n', 100);

        var created = (await _client.Post(Keys, _tenant, new JsonObject { ["name"] = name, ["role"] = "viewer" })).Expect(HttpStatusCode.Created);

        Assert.Equal(name, created.Str("name"));
    }

    [Theory]
    [InlineData("not-a-key-id")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcdef")]
    public async Task GetOrRevoke_IdNoKeyHas_Is404(string id)
    {
        (await _client.Get($"{Keys}/{id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await _client.Delete($"{Keys}/{id}", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }
}
