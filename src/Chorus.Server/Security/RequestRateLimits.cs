using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Chorus.Engine;
using Chorus.Server.Api;
using Chorus.Server.Hosting;

namespace Chorus.Server.Security;

/// <summary>Request rate limits per tenant and per credential, so one noisy tenant or one runaway script cannot
/// take the server from everyone else. Token buckets: a steady rate per second and a burst of twice that. A
/// request over either limit is 429 <c>rate_limited</c> with Retry-After, and does nothing.</summary>
internal static class RequestRateLimits
{
    public static void AddChorusRateLimits(this IServiceCollection services, ServerOptions options) => services.AddRateLimiter(o =>
    {
        o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => Bucket("tenant:", http.Features.Get<Caller>()?.Tenant.Value, options.RateLimitPerTenant)),
            PartitionedRateLimiter.Create<HttpContext, string>(http => Bucket("credential:", http.Features.Get<Caller>()?.Subject, options.RateLimitPerCredential)));
        o.OnRejected = async (context, _) =>
        {
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ApiErrors.WriteAsync(context.HttpContext, ErrorCodes.RateLimited,
                $"Too many requests: try again in {seconds} s.",
                new JsonObject
                {
                    ["retry_after_seconds"] = seconds,
                    ["tenant_limit_per_second"] = options.RateLimitPerTenant,
                    ["credential_limit_per_second"] = options.RateLimitPerCredential,
                });
        };
    });

    /// <summary>Requests without a caller (health checks, the WebSocket before it authenticates) and a limit of 0
    /// are not limited.</summary>
    private static RateLimitPartition<string> Bucket(string scope, string? key, int perSecond) =>
        key is null || perSecond == 0
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetTokenBucketLimiter(scope + key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond * 2,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
}
