using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Outbound;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Per-tenant secrets end to end on a real server and SQLite file: the admin API, encryption at rest,
/// and <c>{{ secrets.NAME }}</c> in an http step aimed at a local listener that echoes what it receives.</summary>
public sealed class SecretTests : IAsyncLifetime
{
    private const string Secrets = "/api/secrets";
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"chorus-secrets-{Guid.NewGuid():N}.db");
    private readonly string _tenant = ApiCalls.NewTenant();
    private ChorusTestServer? _server;

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(databasePath: _database,
        configure: o => o with { Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = true } } });

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_database)!, Path.GetFileName(_database) + "*"))
            File.Delete(file);
    }

    private static string NewValue() => $"s3cr3t-{Guid.NewGuid():N}";

    private Task<ApiResponse> Write(string name, string value, string? tenant = null) =>
        Client.Post(Secrets, tenant ?? _tenant, new JsonObject { ["name"] = name, ["value"] = value });

    [Fact]
    public async Task CreateRotateListGetDelete_NeverShowTheValue()
    {
        var first = NewValue();
        var second = NewValue();

        var created = (await Write("API_KEY", first)).Expect(HttpStatusCode.Created);
        var rotated = (await Write("API_KEY", second)).Expect(HttpStatusCode.OK);
        var one = (await Client.Get($"{Secrets}/API_KEY", _tenant)).Expect(HttpStatusCode.OK);
        var list = (await Client.Get(Secrets, _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal(("API_KEY", "test-admin", "test-admin"), (created.Str("name"), created.Str("created_by"), created.Str("updated_by")));
        Assert.Equal(created.Str("created_at"), rotated.Str("created_at"));
        Assert.NotNull(rotated.Str("updated_at"));
        Assert.Equal("API_KEY", list.Str("items.0.name"));
        Assert.Single(list.Node("items")!.AsArray());
        foreach (var read in new[] { created, rotated, one, list })
        {
            Assert.DoesNotContain(first, read.Text);
            Assert.DoesNotContain(second, read.Text);
            Assert.DoesNotContain("value", read.Text);
            Assert.DoesNotContain("ciphertext", read.Text);
        }

        (await Client.Delete($"{Secrets}/API_KEY", _tenant)).Expect(HttpStatusCode.NoContent);
        (await Client.Delete($"{Secrets}/API_KEY", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Get($"{Secrets}/API_KEY", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"name": "", "value": "x"}""")]
    [InlineData("""{"name": "has space", "value": "x"}""")]
    [InlineData("""{"name": "dash-ed", "value": "x"}""")]
    [InlineData("""{"name": "OK", "value": ""}""")]
    [InlineData("""{"name": "OK", "value": 5}""")]
    [InlineData("""{"name": "OK"}""")]
    [InlineData("""{"name": "OK", "value": "x", "extra": 1}""")]
    public async Task Write_BadInput_Is400InvalidInput(string body)
    {
        (await Client.Post(Secrets, _tenant, JsonNode.Parse(body))).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }

    [Fact]
    public async Task Write_NameOf101OrValueOver64KiB_Is400()
    {
        (await Write(new string('A', 101), "x")).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Write("BIG", new string('x', 64 * 1024 + 1))).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Write(new string('A', 100), new string('x', 64 * 1024))).Expect(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(Role.Member)]
    [InlineData(Role.Viewer)]
    public async Task LesserRole_CannotWriteListReadOrDelete(Role role)
    {
        (await Write("API_KEY", NewValue())).Expect(HttpStatusCode.Created);
        var token = TestTokens.For(_tenant, role);
        var auth = new KeyValuePair<string, string>("Authorization", $"Bearer {token}");

        (await Client.Send(HttpMethod.Post, Secrets, _tenant, ApiCalls.Json(new JsonObject { ["name"] = "X", ["value"] = "y" }), headers: [auth]))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Get, Secrets, _tenant, null, headers: [auth])).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Get, $"{Secrets}/API_KEY", _tenant, null, headers: [auth])).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Delete, $"{Secrets}/API_KEY", _tenant, null, headers: [auth])).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Get($"{Secrets}/API_KEY", _tenant)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnotherTenantsSecret_Is404AndNotListed()
    {
        var other = ApiCalls.NewTenant();
        (await Write("API_KEY", NewValue(), other)).Expect(HttpStatusCode.Created);

        (await Client.Get($"{Secrets}/API_KEY", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Delete($"{Secrets}/API_KEY", _tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await Client.Get(Secrets, _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());
        (await Client.Get($"{Secrets}/API_KEY", other)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DatabaseFile_DoesNotHoldThePlaintext()
    {
        var value = NewValue();
        (await Write("API_KEY", value)).Expect(HttpStatusCode.Created);
        (await Write("OTHER", value + "-rotated")).Expect(HttpStatusCode.Created);
        await _server!.DisposeAsync();
        _server = null;

        var bytes = Encoding.Latin1.GetString(File.ReadAllBytes(_database))
            + string.Concat(Directory.GetFiles(Path.GetDirectoryName(_database)!, Path.GetFileName(_database) + "-*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.Contains("API_KEY", bytes); // the row is there: the check below reads the right file
        Assert.DoesNotContain(value, bytes);
        Assert.True(File.Exists(_database + ".secrets.key"));
    }
}
