using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Server.Api;

/// <summary>Liveness (<c>/health</c>) needs no database; readiness (<c>/health/ready</c>) proves the store answers.</summary>
internal static class Health
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Json(new JsonObject { ["status"] = "ok", ["service"] = "chorus" }));
        app.MapGet("/health/ready", async (IExecutionReader store, CancellationToken ct) =>
        {
            var ready = await store.PingAsync(ct);
            return TypedResults.Json(new JsonObject
            {
                ["status"] = ready ? "ready" : "unavailable",
                ["checks"] = new JsonObject { ["database"] = ready ? "ok" : "unreachable" },
            }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
