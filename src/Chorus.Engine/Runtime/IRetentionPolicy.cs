namespace Chorus.Engine.Runtime;

/// <summary>How long each tenant's finished executions are kept. The default reads HISTORY_RETENTION_DAYS
/// (<see cref="RetentionOptions.History"/>); an application (tiers) registers its own to give tenants their own.</summary>
public interface IRetentionPolicy
{
    /// <summary>False when no tenant has a limit: the pruning job then does not look for old history at all.</summary>
    bool LimitsHistory { get; }

    /// <summary>How long after they end the tenant's executions are kept; null keeps them for ever.</summary>
    ValueTask<TimeSpan?> HistoryLimitAsync(TenantId tenant, CancellationToken ct);
}

/// <summary>One limit for every tenant: HISTORY_RETENTION_DAYS, or none.</summary>
public sealed class SettingRetentionPolicy(EngineOptions options) : IRetentionPolicy
{
    public bool LimitsHistory => options.Retention.History is not null;

    public ValueTask<TimeSpan?> HistoryLimitAsync(TenantId tenant, CancellationToken ct) => ValueTask.FromResult(options.Retention.History);
}
