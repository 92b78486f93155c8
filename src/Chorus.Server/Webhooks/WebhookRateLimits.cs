using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Chorus.Engine;
using Chorus.Server.Api;
using Chorus.Server.Hosting;

namespace Chorus.Server.Webhooks;

/// <summary>Hook calls carry no credential, so the request limits (per tenant and per credential) do not see them.
/// These buckets do, with the same rates: each trigger counts as a credential (RATE_LIMIT_CREDENTIAL), and a
/// tenant's hook calls together as a tenant (RATE_LIMIT_TENANT). Buckets exist only for triggers that exist.</summary>
internal sealed class WebhookRateLimits(ServerOptions options)
{
    private readonly PartitionedRateLimiter<string> _perTrigger = PartitionedRateLimiter.Create<string, string>(key => Bucket(key, options.RateLimitPerCredential));
    private readonly PartitionedRateLimiter<string> _perTenant = PartitionedRateLimiter.Create<string, string>(key => Bucket(key, options.RateLimitPerTenant));

    /// <summary>Null when the call may go on; else the 429 answer, with Retry-After set.</summary>
    public IResult? Refusal(HttpContext http, TenantId tenant, string scope)
    {
        using var trigger = _perTrigger.AttemptAcquire(scope);
        if (!trigger.IsAcquired)
            return Refused(http, trigger);
        using var ofTenant = _perTenant.AttemptAcquire(tenant.Value);
        return ofTenant.IsAcquired ? null : Refused(http, ofTenant);
    }

    private IResult Refused(HttpContext http, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiErrors.Result(http, ErrorCodes.RateLimited, $"Too many calls: try again in {seconds} s.", new JsonObject
        {
            ["retry_after_seconds"] = seconds,
            ["trigger_limit_per_second"] = options.RateLimitPerCredential,
            ["tenant_limit_per_second"] = options.RateLimitPerTenant,
        });
    }

    private static RateLimitPartition<string> Bucket(string key, int perSecond) =>
        perSecond == 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond * 2,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
}
