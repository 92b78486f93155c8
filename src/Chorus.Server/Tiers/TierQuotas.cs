using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Hosting;

namespace Chorus.Server.Tiers;

/// <summary>The tiers' limits that the engine applies itself (concurrent executions, execution time, log detail)
/// and the history each tenant keeps, held in memory because the engine reads them on its commit path. Loaded at
/// start, again after a change through the tiers API, and every <see cref="RefreshInterval"/> for the changes
/// other nodes make.</summary>
internal sealed class TierQuotas(TierCatalog catalog, ITierStore store, ServerOptions options) : ITenantQuotas, IRetentionPolicy
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private volatile Snapshot _current = new(TenantQuotaTable.Unlimited, new TierLimits(), new Dictionary<TenantId, TierLimits>());

    private sealed record Snapshot(TenantQuotaTable Quotas, TierLimits Default, IReadOnlyDictionary<TenantId, TierLimits> Assigned);

    public TenantQuotaTable Current => _current.Quotas;

    /// <summary>The limits of the tenant's tier as last loaded, for checks that cannot wait for the store.</summary>
    public TierLimits LimitsOf(TenantId tenant)
    {
        var snapshot = _current;
        return snapshot.Assigned.TryGetValue(tenant, out var limits) ? limits : snapshot.Default;
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        var tiers = await catalog.TiersAsync(ct).ConfigureAwait(false);
        var fallback = tiers.TryGetValue(options.DefaultTier, out var d) ? d : BuiltInTiers.All["free"];
        // A tier no longer in the table falls back to the default tier, as for every other check.
        var assigned = (await store.ListTenantTiersAsync(ct).ConfigureAwait(false))
            .ToDictionary(a => a.Tenant, a => tiers.TryGetValue(a.Tier, out var l) ? l : fallback);
        _current = new Snapshot(new TenantQuotaTable(QuotaOf(fallback), assigned.ToDictionary(a => a.Key, a => QuotaOf(a.Value))), fallback, assigned);
    }

    private static TenantQuota QuotaOf(TierLimits limits) => new()
    {
        MaxConcurrentExecutions = limits.MaxConcurrentExecutions,
        MaxExecutionTime = limits.MaxExecutionSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Logs = limits.DetailedLogs switch { "none" => LogDetail.Minimal, "standard" => LogDetail.Standard, _ => LogDetail.Extended },
        MaxContextBytes = limits.MaxContextBytes,
    };

    public bool LimitsHistory => options.Engine.Retention.History is not null
        || _current.Default.HistoryDays is not null || _current.Assigned.Values.Any(limits => limits.HistoryDays is not null);

    /// <summary>The shorter of the tenant's tier history and HISTORY_RETENTION_DAYS.</summary>
    public ValueTask<TimeSpan?> HistoryLimitAsync(TenantId tenant, CancellationToken ct)
    {
        TimeSpan? tier = LimitsOf(tenant).HistoryDays is { } days ? TimeSpan.FromDays(days) : null;
        var setting = options.Engine.Retention.History;
        return ValueTask.FromResult(tier is null ? setting : setting is null ? tier : tier < setting ? tier : setting);
    }
}

/// <summary>Reloads the quotas every <see cref="TierQuotas.RefreshInterval"/>; a failed reload keeps the last table.</summary>
internal sealed class TierQuotaRefresher(TierQuotas quotas, TimeProvider time, ILogger<TierQuotaRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TierQuotas.RefreshInterval, time, stoppingToken);
                await quotas.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Tiers: reloading the tenants' quotas failed; the last ones stay in force");
            }
        }
    }
}
