using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chorus.Server.Tests.Security;

/// <summary>Tokens built by hand, so a test controls every header field and claim, including the ones a
/// well-behaved minting library would never produce (alg none, no exp).</summary>
public static class Jwts
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The claims of a valid admin token for <paramref name="tenant"/>, valid for an hour.</summary>
    public static JsonObject Claims(string tenant, string role = "admin") => new()
    {
        ["sub"] = "security-test",
        ["tenant_id"] = tenant,
        ["role"] = role,
        ["iat"] = Now,
        ["nbf"] = Now,
        ["exp"] = Now + 3600,
    };

    /// <summary>An HS256 token of these claims, signed with <paramref name="key"/> (the test servers' secret by default).</summary>
    public static string Hs256(JsonObject claims, byte[]? key = null)
    {
        var signingInput = Segment(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" }) + "." + Segment(claims);
        var signature = HMACSHA256.HashData(key ?? TestTokens.Key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>An unsigned token: header <c>{"alg": "none"}</c> and an empty signature.</summary>
    public static string Unsigned(JsonObject claims) =>
        Segment(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }) + "." + Segment(claims) + ".";

    /// <summary>A token signed by an asymmetric key (RS256, ES256) through the identity-model library, as an
    /// identity provider would mint it.</summary>
    public static string Signed(JsonObject claims, SecurityKey key, string algorithm) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(claims.ToJsonString(), new SigningCredentials(key, algorithm));

    /// <summary>Sets one claim, for building variations of <see cref="Claims"/>.</summary>
    public static JsonObject With(this JsonObject claims, string name, JsonNode? value)
    {
        claims[name] = value;
        return claims;
    }

    public static JsonObject Without(this JsonObject claims, string name)
    {
        claims.Remove(name);
        return claims;
    }

    private static string Segment(JsonObject json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
