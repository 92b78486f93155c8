using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Server.Api;
using Chorus.Server.Security;

namespace Chorus.Server.Realtime;

/// <summary>The WebSocket endpoint <c>/api/workflows/ws</c> (SPEC §6, seed 003).</summary>
internal static class RealtimeEndpoint
{
    public const string Route = "/api/workflows/ws";

    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddSingleton<RealtimeOptions>();
        services.AddSingleton<RealtimeAccess>();
        services.AddSingleton(sp => sp.GetRequiredService<ChorusEngine>().Events);
        services.AddSingleton<RealtimeHub>();
        services.AddHostedService(sp => sp.GetRequiredService<RealtimeHub>());
        return services;
    }

    public static void UseRealtime(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RealtimeOptions>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.KeepAliveInterval, KeepAliveTimeout = options.KeepAliveTimeout });
    }

    // HTTP/1.1 upgrades with GET; browsers on HTTP/2 (RFC 8441) open WebSockets with CONNECT.
    public static void MapRealtime(this IEndpointRouteBuilder app) =>
        // The socket authenticates itself: with the upgrade's headers or with its first message.
        // A WebSocket, which OpenAPI cannot describe: the API document names it in its description instead.
        app.MapMethods(Route, [HttpMethods.Get, HttpMethods.Connect], ConnectAsync).AllowWithoutCredential().ExcludeFromDescription();

    private static async Task ConnectAsync(HttpContext http, RealtimeHub hub, RealtimeOptions options)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ApiErrors.WriteAsync(http, ErrorCodes.InvalidInput,
                $"{Route} is a WebSocket endpoint: connect with a WebSocket client (an HTTP GET with 'Upgrade: websocket').");
            return;
        }
        // Before the upgrade, so a refused credential or a malformed X-Tenant-ID is an HTTP error like on every other route.
        var identity = await RealtimeAccess.FromUpgradeRequestAsync(http);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var connection = new ClientConnection(socket, identity, http.TraceIdentifier, options, hub.Logger);
        await hub.RunAsync(connection, http.RequestAborted);
    }
}
