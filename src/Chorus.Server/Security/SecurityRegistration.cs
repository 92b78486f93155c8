using System.Net;
using Chorus.Server.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Chorus.Server.Security;

/// <summary>Wires authentication: bearer tokens verified by <see cref="TokenValidation"/>, API keys, and the
/// scheme that picks between them by what the request presents.</summary>
internal static class SecurityRegistration
{
    public static void AddChorusSecurity(this IServiceCollection services, ServerOptions options, IReadOnlyList<string> listenUrls)
    {
        if (!options.Auth.IsConfigured && listenUrls.FirstOrDefault(url => !IsLoopback(url)) is { } open)
            throw new OptionsException($"listening on {open} needs a configured token key (JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_FILE); " +
                "without one Chorus listens on 127.0.0.1 only.");
        var parameters = TokenValidation.From(options);
        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Bearer token or API key", o =>
                o.ForwardDefaultSelector = http => AuthSchemes.PresentedApiKey(http.Request) is null ? AuthSchemes.Bearer : AuthSchemes.ApiKey)
            .AddJwtBearer(AuthSchemes.Bearer, o =>
            {
                // Keep the claim names as minted (sub, tenant_id, role), not mapped to .NET's long URIs.
                o.MapInboundClaims = false;
                o.TokenValidationParameters = parameters;
            })
            .AddChorusApiKeys();
        services.AddSingleton(new CredentialVerifier(parameters));
    }

    /// <summary>Whether a listen URL (http://host:port) binds the loopback interface only.</summary>
    public static bool IsLoopback(string url)
    {
        var host = url.Split("://", 2) is [_, var rest] ? rest : url;
        host = host.Split('/')[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
