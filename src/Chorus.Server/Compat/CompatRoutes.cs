namespace Chorus.Server.Compat;

/// <summary>The routes of the systems Chorus stands in for, each in its own file and each onto the canonical
/// handlers' implementations, so that a client written for one of them runs unchanged.</summary>
internal static class CompatRoutes
{
    public static void MapCompatRoutes(this IEndpointRouteBuilder app)
    {
        app.MapDiscoveryRoutes();
        app.MapPrefectRoutes();
        app.MapTemplatesApiRoutes();
    }
}
