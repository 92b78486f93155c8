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

    private volatile Snapshot _current = new(TenantQuotaTable.Unlimited, null, new Dictionary<TenantId, int?>());

    private sealed record Snapshot(TenantQuotaTable Quotas, int? DefaultHistoryDays, IReadOnlyDictionary<TenantId, int?> HistoryDays);

    public TenantQuotaTable Current => _current.Quotas;

    public async Task RefreshAsync(CancellationToken ct)
    {
        var tiers = await catalog.TiersAsync(ct).ConfigureAwait(false);
        var fallback = tiers.TryGetValue(options.DefaultTier, out var d) ? d : BuiltInTiers.All["free"];
        var quotas = new Dictionary<TenantId, TenantQuota>();
        var history = new Dictionary<TenantId, int?>();
        foreach (var assignment in await store.ListTenantTiersAsync(ct).ConfigureAwait(false))
        {
            // A tier no longer in the table falls back to the default tier, as for every other check.
            var limits = tiers.TryGetValue(assignment.Tier, out var l) ? l : fallback;
            quotas[assignment.Tenant] = QuotaOf(limits);
            history[assignment.Tenant] = limits.HistoryDays;
        }
        _current = new Snapshot(new TenantQuotaTable(QuotaOf(fallback), quotas), fallback.HistoryDays, history);
    }

    private static TenantQuota QuotaOf(TierLimits limits) => new()
    {
        MaxConcurrentExecutions = limits.MaxConcurrentExecutions,
        MaxExecutionTime = limits.MaxExecutionSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Logs = limits.DetailedLogs switch { "none" => LogDetail.Minimal, "standard" => LogDetail.Standard, _ => LogDetail.Extended },
    };

    public bool LimitsHistory => options.Engine.Retention.History is not null
        || _current.DefaultHistoryDays is not null || _current.HistoryDays.Values.Any(days => days is not null);

    /// <summary>The shorter of the tenant's tier history and HISTORY_RETENTION_DAYS.</summary>
    public ValueTask<TimeSpan?> HistoryLimitAsync(TenantId tenant, CancellationToken ct)
    {
        var snapshot = _current;
        var days = snapshot.HistoryDays.TryGetValue(tenant, out var assigned) ? assigned : snapshot.DefaultHistoryDays;
        TimeSpan? tier = days is { } n ? TimeSpan.FromDays(n) : null;
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
