using System.Text.Json.Nodes;
using Chorus.Engine;
using Microsoft.AspNetCore.Authentication;

namespace Chorus.Server.Security;

/// <summary>Before any endpoint runs: verifies the credential, decides the tenant and checks the role the endpoint
/// needs. Every route needs a credential unless it says otherwise; a route without a role needs admin.</summary>
internal static class CallerMiddleware
{
    public static void UseCallers(this WebApplication app) => app.Use(async (http, next) =>
    {
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<NoCredentialNeeded>() is not null)
        {
            await next(http);
            return;
        }
        var result = await http.AuthenticateAsync(AuthSchemes.Default);
        if (!result.Succeeded)
            throw new ChorusException(ErrorCodes.Unauthorized, CredentialFailures.Describe(result.Failure));
        var caller = CallerResolution.From(result.Principal, http.Request.Headers["X-Tenant-ID"].ToString());
        // A route that does not exist needs no role: the caller is told it is not found, as for anyone.
        var needed = endpoint is null ? Role.Viewer : endpoint.Metadata.GetMetadata<RequiredRole>()?.Role ?? Role.Admin;
        if (!caller.Has(needed))
            throw new ChorusException(ErrorCodes.PermissionDenied,
                $"This needs the {needed.Name()} role; the credential has {caller.Role.Name()}.",
                new JsonObject { ["required_role"] = needed.Name(), ["role"] = caller.Role.Name() });
        http.User = result.Principal;
        http.Features.Set(caller);
        await next(http);
    });

    /// <summary>The verified caller of this request; set for every route that needs a credential.</summary>
    public static Caller Caller(this HttpContext http) =>
        http.Features.Get<Caller>() ?? throw new InvalidOperationException("This route runs without a credential and has no caller.");
}
