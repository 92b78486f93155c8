using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Chorus.Server.Security;

/// <summary>The API-key authentication scheme: a key in <c>X-API-Key</c> or <c>Authorization: ApiKey …</c>,
/// checked by <see cref="ApiKeyVerifier"/>.</summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthSchemes.PresentedApiKey(Request) is not { } presented)
            return AuthenticateResult.NoResult();
        var check = await verifier.VerifyAsync(presented, Context.RequestAborted);
        return check.Principal is { } principal
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name))
            : AuthenticateResult.Fail(check.Failure ?? ApiKeyVerifier.Refusal);
    }
}

public static class ApiKeyAuthentication
{
    /// <summary>Adds the <see cref="AuthSchemes.ApiKey"/> scheme and the verifier it (and the WebSocket) uses.</summary>
    public static AuthenticationBuilder AddChorusApiKeys(this AuthenticationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddSingleton<ApiKeyRevocations>();
        return builder.AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(AuthSchemes.ApiKey, "API key", _ => { });
    }
}
