using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary>Liveness (<c>/health</c>) needs no database; readiness (<c>/health/ready</c>) proves the store answers
/// and, after a storage fault (full disk, read-only database), that it takes writes again.</summary>
internal static class Health
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        // Probes carry no credentials, and neither answer names a tenant or an object.
        app.MapGet("/health", () => TypedResults.Json(Liveness())).AllowWithoutCredential();
        app.MapGet("/health/ready", async (HttpContext http, IExecutionReader store, ChorusEngine engine, CancellationToken ct) =>
        {
            var reachable = await store.PingAsync(ct);
            var fault = reachable ? await StorageFaultAsync(engine, ct) : null;
            var ready = reachable && fault is null;
            var body = new JsonObject
            {
                ["status"] = ready ? "ready" : "unavailable",
                ["checks"] = new JsonObject
                {
                    ["database"] = reachable ? "ok" : "unreachable",
                    ["storage"] = fault?.Code ?? (reachable ? "ok" : ErrorCodes.StorageUnavailable),
                },
            };
            if (fault is not null)
                body["reason"] = fault.Message;
            if (!ready)
                http.Response.Headers.RetryAfter = ErrorHandling.StorageRetryAfterSeconds;
            return TypedResults.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowWithoutCredential();
    }

    /// <summary>The liveness answer; the compatible APIs' own health routes answer it too.</summary>
    internal static JsonObject Liveness() => new() { ["status"] = "ok", ["service"] = "chorus" };

    /// <summary>While a storage fault is recorded, one small write decides whether it still lasts: when it commits,
    /// the fault is over and the server is ready again without anyone restarting it.</summary>
    private static async Task<StorageUnavailableException?> StorageFaultAsync(ChorusEngine engine, CancellationToken ct)
    {
        if (engine.StorageHealth.Current is null)
            return null;
        try
        {
            await engine.ProbeStorageAsync(ct);
            return null;
        }
        catch (StorageUnavailableException ex)
        {
            return ex;
        }
    }
}
