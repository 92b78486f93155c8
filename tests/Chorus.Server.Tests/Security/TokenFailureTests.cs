using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Chorus.Server.Tests.Security;

/// <summary>Every way a bearer token can be wrong answers 401 unauthorized in the error shape, quotes nothing of the
/// token and changes nothing; the right tokens of each key configuration are accepted.</summary>
public sealed class TokenFailureTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    public static TheoryData<string> RefusedTokens => ["garbage", "alg none", "other key", "expired", "not yet valid", "no exp", "three dots", "empty signature"];

    private string Token(string kind) => kind switch
    {
        "garbage" => "not-a-jwt-at-all-0123456789",
        "alg none" => Jwts.Unsigned(Jwts.Claims(_tenant)),
        "other key" => Jwts.Hs256(Jwts.Claims(_tenant), RandomNumberGenerator.GetBytes(32)),
        // Beyond the 30 s of tolerated clock skew on either side.
        "expired" => Jwts.Hs256(Jwts.Claims(_tenant).With("iat", Jwts.Now - 600).With("nbf", Jwts.Now - 600).With("exp", Jwts.Now - 60)),
        "not yet valid" => Jwts.Hs256(Jwts.Claims(_tenant).With("nbf", Jwts.Now + 120)),
        "no exp" => Jwts.Hs256(Jwts.Claims(_tenant).Without("exp")),
        "three dots" => "a.b.c.d",
        // A correctly signed token's header and claims with the signature cut off.
        "empty signature" => Jwts.Hs256(Jwts.Claims(_tenant))[..(Jwts.Hs256(Jwts.Claims(_tenant)).LastIndexOf('.') + 1)],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Fact]
    public async Task NoCredential_Returns401AndCreatesNothing()
    {
        var before = await SecurityAssert.Snapshot(_client, _tenant);

        var create = await _client.SendWithout(HttpMethod.Post, "/api/workflows", [new("X-Tenant-ID", _tenant)], Definitions.Greeting());
        var list = await _client.SendWithout(HttpMethod.Get, "/api/workflows", [new("X-Tenant-ID", _tenant)]);

        create.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized");
        list.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _tenant));
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task RefusedToken_Returns401WithoutEchoAndCreatesNothing(string kind)
    {
        var token = Token(kind);
        var before = await SecurityAssert.Snapshot(_client, _tenant);

        var create = await _client.SendAs(HttpMethod.Post, "/api/workflows", token, _tenant, Definitions.Greeting());
        var read = await _client.SendAs(HttpMethod.Get, "/api/workflows", token, _tenant);

        create.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized").DoesNotEcho(token);
        read.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized").DoesNotEcho(token);
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _tenant));
    }

    [Fact]
    public async Task WithinTheClockSkew_IsAccepted()
    {
        // Expired 10 s ago and valid from 10 s ahead: both inside the 30 s tolerated between clocks.
        var late = Jwts.Hs256(Jwts.Claims(_tenant).With("iat", Jwts.Now - 600).With("nbf", Jwts.Now - 600).With("exp", Jwts.Now - 10));
        var early = Jwts.Hs256(Jwts.Claims(_tenant).With("nbf", Jwts.Now + 10));

        (await _client.SendAs(HttpMethod.Get, "/api/workflows", late)).Expect(HttpStatusCode.OK);
        (await _client.SendAs(HttpMethod.Get, "/api/workflows", early)).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task MalformedAuthorizationHeader_Returns401(string header)
    {
        var response = await _client.Send(HttpMethod.Get, "/api/workflows", null, null, headers: [new("Authorization", header), new("X-Tenant-ID", _tenant)]);

        response.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized");
    }

    /// <summary>Checking a credential happens inside the error handling: whatever goes wrong there still answers
    /// the error shape. (Before the fix in ChorusServer an unknown API key was a 500 with an empty body, because
    /// the authentication middleware ran ahead of the error handling and this branch has no API-key handler yet;
    /// with the API-key handler merged this is 401 unauthorized.)</summary>
    [Theory]
    [InlineData("X-API-Key", "chorus_not-a-key")]
    [InlineData("Authorization", "ApiKey chorus_not-a-key")]
    public async Task UnknownApiKey_AnswersTheErrorShapeAndCreatesNothing(string header, string value)
    {
        var before = await SecurityAssert.Snapshot(_client, _tenant);

        var response = await _client.Send(HttpMethod.Post, "/api/workflows", null, ApiCalls.Json(Definitions.Greeting()),
            headers: [new(header, value), new("X-Tenant-ID", _tenant)]);

        response.ErrorShape(System.Net.HttpStatusCode.Unauthorized, "unauthorized").DoesNotEcho("chorus_not-a-key");
        Assert.Equal(before, await SecurityAssert.Snapshot(_client, _tenant));
    }

    [Fact]
    public async Task HealthRoutes_NeedNoCredential()
    {
        var health = await _client.SendWithout(HttpMethod.Get, "/health", []);
        var ready = await _client.SendWithout(HttpMethod.Get, "/health/ready", []);

        health.Expect(HttpStatusCode.OK);
        Assert.NotEqual(HttpStatusCode.Unauthorized, ready.Status);
    }
}

/// <summary>Servers configured with an issuer and audience, an RSA public key (inline and as a file) and a JSON Web
/// Key Set of an EC key: their identity provider's tokens are accepted, anything else is 401.</summary>
public sealed class TokenKeyConfigurationTests
{
    private const string Issuer = "https://id.example.test/";
    private const string Audience = "chorus-api";

    [Fact]
    public async Task IssuerAndAudience_OnlyTheConfiguredOnesAreAccepted()
    {
        await using var server = await ChorusTestServer.StartAsync(configure: o => o with
        {
            Auth = new AuthSettings { JwtSecret = TestTokens.Secret, Issuer = Issuer, Audience = Audience },
        });
        var tenant = ApiCalls.NewTenant();
        JsonObject Claims(string? issuer, string? audience)
        {
            var claims = Jwts.Claims(tenant);
            if (issuer is not null)
                claims["iss"] = issuer;
            if (audience is not null)
                claims["aud"] = audience;
            return claims;
        }

        var admin = Jwts.Hs256(Claims(Issuer, Audience));
        var refused = new Dictionary<string, string>
        {
            ["wrong issuer"] = Jwts.Hs256(Claims("https://evil.example.test/", Audience)),
            ["no issuer"] = Jwts.Hs256(Claims(null, Audience)),
            ["wrong audience"] = Jwts.Hs256(Claims(Issuer, "another-api")),
            ["no audience"] = Jwts.Hs256(Claims(Issuer, null)),
        };
        var before = await SecurityAssert.Snapshot(server.Client, tenant, admin);

        foreach (var (name, token) in refused)
        {
            var response = await server.Client.SendAs(HttpMethod.Post, "/api/workflows", token, body: Definitions.Greeting(name));
            response.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized").DoesNotEcho(token);
        }
        Assert.Equal(before, await SecurityAssert.Snapshot(server.Client, tenant, admin));
        var created = await server.Client.SendAs(HttpMethod.Post, "/api/workflows", admin, body: Definitions.Greeting("rightly issued"));
        Assert.Equal("rightly issued", created.Expect(HttpStatusCode.Created).Str("name"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RsaPublicKey_AcceptsRs256AndRefusesHs256Confusion(bool inline)
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem();
        var pemFile = Path.Combine(Path.GetTempPath(), $"chorus-rsa-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pemFile, pem);
        try
        {
            await using var server = await ChorusTestServer.StartAsync(configure: o => o with
            {
                Auth = new AuthSettings { JwtPublicKey = inline ? pem : pemFile },
            });
            var tenant = ApiCalls.NewTenant();
            using var other = RSA.Create(2048);

            var accepted = Jwts.Signed(Jwts.Claims(tenant), new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
            var refused = new Dictionary<string, string>
            {
                // Algorithm confusion: the public key, which anyone may know, used as an HMAC secret.
                ["hs256 with the public key"] = Jwts.Hs256(Jwts.Claims(tenant), Encoding.UTF8.GetBytes(pem)),
                ["hs256 with the test secret"] = Jwts.Hs256(Jwts.Claims(tenant)),
                ["rs256 by another key"] = Jwts.Signed(Jwts.Claims(tenant), new RsaSecurityKey(other), SecurityAlgorithms.RsaSha256),
                ["alg none"] = Jwts.Unsigned(Jwts.Claims(tenant)),
            };
            await AssertRefusedThenAccepted(server, tenant, refused, accepted, "by rs256");
        }
        finally
        {
            File.Delete(pemFile);
        }
    }

    [Fact]
    public async Task JwksFile_AcceptsEs256OfItsKeyAndRefusesOthers()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ec.ExportParameters(includePrivateParameters: false);
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["use"] = "sig",
                ["alg"] = "ES256",
                ["kid"] = "provider-1",
                ["x"] = Base64UrlEncoder.Encode(parameters.Q.X!),
                ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y!),
            }),
        };
        var jwksFile = Path.Combine(Path.GetTempPath(), $"chorus-jwks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(jwksFile, jwks.ToJsonString());
        try
        {
            await using var server = await ChorusTestServer.StartAsync(configure: o => o with { Auth = new AuthSettings { JwksFile = jwksFile } });
            var tenant = ApiCalls.NewTenant();
            using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

            var accepted = Jwts.Signed(Jwts.Claims(tenant), new ECDsaSecurityKey(ec) { KeyId = "provider-1" }, SecurityAlgorithms.EcdsaSha256);
            var refused = new Dictionary<string, string>
            {
                ["es256 by another key, same kid"] = Jwts.Signed(Jwts.Claims(tenant), new ECDsaSecurityKey(other) { KeyId = "provider-1" }, SecurityAlgorithms.EcdsaSha256),
                ["es256 by another key, no kid"] = Jwts.Signed(Jwts.Claims(tenant), new ECDsaSecurityKey(other), SecurityAlgorithms.EcdsaSha256),
                ["hs256 with the test secret"] = Jwts.Hs256(Jwts.Claims(tenant)),
                ["hs256 with the key set as secret"] = Jwts.Hs256(Jwts.Claims(tenant), Encoding.UTF8.GetBytes(jwks.ToJsonString())),
                ["alg none"] = Jwts.Unsigned(Jwts.Claims(tenant)),
                ["expired es256"] = Jwts.Signed(Jwts.Claims(tenant).With("exp", Jwts.Now - 120),
                    new ECDsaSecurityKey(ec) { KeyId = "provider-1" }, SecurityAlgorithms.EcdsaSha256),
            };
            await AssertRefusedThenAccepted(server, tenant, refused, accepted, "by es256");
        }
        finally
        {
            File.Delete(jwksFile);
        }
    }

    /// <summary>Each refused token is 401 in the error shape without echoing itself and creates nothing; then the
    /// accepted one creates a workflow.</summary>
    private static async Task AssertRefusedThenAccepted(ChorusTestServer server, string tenant, Dictionary<string, string> refused,
        string accepted, string createdName)
    {
        var before = await SecurityAssert.Snapshot(server.Client, tenant, accepted);
        foreach (var (name, token) in refused)
        {
            var response = await server.Client.SendAs(HttpMethod.Post, "/api/workflows", token, body: Definitions.Greeting(name));
            response.ErrorShape(HttpStatusCode.Unauthorized, "unauthorized").DoesNotEcho(token);
        }
        Assert.Equal(before, await SecurityAssert.Snapshot(server.Client, tenant, accepted));
        var created = await server.Client.SendAs(HttpMethod.Post, "/api/workflows", accepted, body: Definitions.Greeting(createdName));
        Assert.Equal(createdName, created.Expect(HttpStatusCode.Created).Str("name"));
    }
}
