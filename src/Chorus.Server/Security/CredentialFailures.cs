using Microsoft.IdentityModel.Tokens;

namespace Chorus.Server.Security;

/// <summary>What a caller is told when its credential is refused. The validator's own messages can quote the
/// token; these never do.</summary>
internal static class CredentialFailures
{
    public const string Missing = "A credential is required: send Authorization: Bearer <token>, or an API key in X-API-Key.";

    public static string Describe(Exception? failure) => failure switch
    {
        null => Missing,
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry (exp); Chorus accepts only tokens that expire.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The token was issued by another issuer.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify.",
        SecurityTokenMalformedException or ArgumentException => "The token is not a well-formed JWT.",
        SecurityTokenException => "The token is not valid.",
        // The API-key handler reports its own, already safe, message.
        _ => failure.Message,
    };
}
