using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chorus.Server.Security;

/// <summary>Mints HS256 tokens with Chorus's claim names: what <c>chorus token</c> prints and what tests send. A
/// deployment with an identity provider mints its own tokens with the same claims.</summary>
public static class TokenIssuer
{
    public static string Mint(byte[] key, string subject, IReadOnlyList<string> tenants, string role, TimeSpan lifetime,
        string? issuer = null, string? audience = null, DateTimeOffset? now = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(tenants.Count);
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [ChorusClaims.Subject] = subject,
            [ChorusClaims.TenantId] = tenants[0],
            [ChorusClaims.Role] = role,
        };
        if (tenants.Count > 1)
            claims[ChorusClaims.Tenants] = tenants.ToArray();
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
