using System.Security.Claims;
using Chorus.Engine;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chorus.Server.Security;

/// <summary>Verifies a credential given as text, outside an HTTP request's headers: the WebSocket's authenticate
/// message. It applies exactly the bearer handler's rules.</summary>
internal sealed class CredentialVerifier(TokenValidationParameters parameters)
{
    private readonly JsonWebTokenHandler _tokens = new() { MapInboundClaims = false };

    /// <summary>The verified claims; a refused credential throws <see cref="ErrorCodes.Unauthorized"/>.</summary>
    public async Task<ClaimsPrincipal> VerifyAsync(string credential)
    {
        if (string.IsNullOrWhiteSpace(credential))
            throw new ChorusException(ErrorCodes.Unauthorized, CredentialFailures.Missing);
        var result = await _tokens.ValidateTokenAsync(credential, parameters);
        return result.IsValid ? new ClaimsPrincipal(result.ClaimsIdentity)
            : throw new ChorusException(ErrorCodes.Unauthorized, CredentialFailures.Describe(result.Exception ?? new SecurityTokenException()));
    }
}
