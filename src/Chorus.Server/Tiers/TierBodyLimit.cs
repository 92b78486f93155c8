using System.Text.Json.Nodes;
using Chorus.Engine;
using Microsoft.AspNetCore.Http.Features;

namespace Chorus.Server.Tiers;

/// <summary>Holds a tenant's request bodies to its tier's max_body_bytes, below the server's MAX_BODY_BYTES.</summary>
internal static class TierBodyLimit
{
    /// <summary>Runs after the caller is known. A declared length over the limit is refused before anything is read;
    /// a body without one is cut off by the server when it passes the limit (413 either way).</summary>
    public static void UseTierBodyLimit(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (http.Features.Get<Security.Caller>() is { } caller
            && http.RequestServices.GetRequiredService<TierQuotas>().LimitsOf(caller.Tenant).MaxBodyBytes is { } limit)
        {
            if (http.Request.ContentLength > limit)
                throw new ChorusException(ErrorCodes.PayloadTooLarge, $"The tenant's tier accepts request bodies of at most {limit} bytes.",
                    new JsonObject { ["limit"] = "max_body_bytes", ["allowed"] = limit, ["current"] = http.Request.ContentLength });
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && (size.MaxRequestBodySize ?? long.MaxValue) > limit)
                size.MaxRequestBodySize = limit;
        }
        await next(http);
    });
}
