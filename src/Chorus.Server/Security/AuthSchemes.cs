using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Chorus.Server.Security;

/// <summary>The authentication schemes: one name the middleware asks for, which forwards to the bearer-token or the
/// API-key handler by what the request presents.</summary>
public static class AuthSchemes
{
    public const string Default = "Chorus";
    public const string Bearer = JwtBearerDefaults.AuthenticationScheme;
    public const string ApiKey = "ApiKey";

    /// <summary>Prefix of every API key Chorus issues; a credential with it is checked as an API key.</summary>
    public const string ApiKeyPrefix = "chorus_";

    /// <summary>The API key the request presents in <c>X-API-Key</c> or <c>Authorization: ApiKey …</c>, or null.</summary>
    public static string? PresentedApiKey(HttpRequest request)
    {
        if (request.Headers["X-API-Key"].ToString() is { Length: > 0 } header)
            return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) ? authorization["ApiKey ".Length..].Trim() : null;
    }
}
