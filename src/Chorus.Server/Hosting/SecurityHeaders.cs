namespace Chorus.Server.Hosting;

/// <summary>The same headers on every response, API and web UI alike, errors included (set when the response starts,
/// after any error handler has cleared it).</summary>
internal static class SecurityHeaders
{
    /// <summary>The web UI loads its own scripts and styles only, talks to this origin only (HTTP and the WebSocket),
    /// and is never framed; a JSON answer opened in a browser gets the same walls.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The interactive API docs (<see cref="Api.ApiDocument.DocsPath"/>) start with an inline script and set
    /// inline styles; that page shows the API's description and no data, so only it may.</summary>
    public const string DocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void UseSecurityHeaders(this WebApplication app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["X-Frame-Options"] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(Api.ApiDocument.DocsPath)
                ? DocsContentSecurityPolicy
                : ContentSecurityPolicy;
            return Task.CompletedTask;
        });
        return next(http);
    });
}
