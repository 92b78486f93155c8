using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>How much of an execution's log the engine keeps for a tenant.</summary>
public enum LogDetail
{
    /// <summary>The execution's own lines (started, queued, ended) and every warning and error; no step's info lines.</summary>
    Minimal,
    /// <summary>Every line, without the data that steps attach to their own lines.</summary>
    Standard,
    /// <summary>Every line with its data.</summary>
    Extended,
}

/// <summary>What one tenant may use of the engine on top of what every tenant shares (<see cref="EngineOptions"/>):
/// fewer concurrent executions than its share, a shorter time limit, less detailed logs. Null means no limit of
/// its own.</summary>
public sealed record TenantQuota
{
    public static TenantQuota Unlimited { get; } = new();

    /// <summary>Executions of the tenant that may hold a slot at once; more wait as pending, never refused.</summary>
    public int? MaxConcurrentExecutions { get; init; }

    /// <summary>Longest an execution may take from its start; a workflow's own shorter timeout still applies.</summary>
    public TimeSpan? MaxExecutionTime { get; init; }

    public LogDetail Logs { get; init; } = LogDetail.Extended;

    /// <summary>The largest context an execution may grow to, if smaller than the engine's.</summary>
    public int? MaxContextBytes { get; init; }
}

/// <summary>Every tenant's quota: a default and the tenants that have their own. One immutable snapshot, so that
/// an admission sees one consistent set of caps.</summary>
public sealed class TenantQuotaTable(TenantQuota defaultQuota, IReadOnlyDictionary<TenantId, TenantQuota> assigned)
{
    public static TenantQuotaTable Unlimited { get; } = new(TenantQuota.Unlimited, new Dictionary<TenantId, TenantQuota>());

    public TenantQuota Default { get; } = defaultQuota;
    public IReadOnlyDictionary<TenantId, TenantQuota> Assigned { get; } = assigned;

    public TenantQuota Of(TenantId tenant) => Assigned.TryGetValue(tenant, out var quota) ? quota : Default;

    private TenantSlotCaps? _caps;

    /// <summary>The most slots the tenant may hold: the engine's share, or less if its quota says so.</summary>
    internal int SlotCapOf(TenantId tenant, int engineShare) => Math.Min(engineShare, Of(tenant).MaxConcurrentExecutions ?? int.MaxValue);

    /// <summary>The same caps for every tenant at once, as admission's query reads them; computed once per table.</summary>
    internal TenantSlotCaps SlotCaps(int engineShare)
    {
        if (_caps is { } caps && caps.EngineShare == engineShare)
            return caps;
        var fallback = Math.Min(engineShare, Default.MaxConcurrentExecutions ?? int.MaxValue);
        var exceptions = new JsonObject();
        foreach (var (tenant, _) in Assigned)
            if (SlotCapOf(tenant, engineShare) is var cap && cap != fallback)
                exceptions[tenant.Value] = cap;
        return _caps = new TenantSlotCaps(fallback, exceptions.ToJsonString()) { EngineShare = engineShare };
    }
}

/// <summary>Where the engine reads tenants' quotas: synchronously, on the commit path, so an implementation keeps
/// its table in memory and refreshes it on its own.</summary>
public interface ITenantQuotas
{
    TenantQuotaTable Current { get; }
}

/// <summary>No tenant has a quota of its own: every tenant has the engine's share.</summary>
public sealed class NoTenantQuotas : ITenantQuotas
{
    public TenantQuotaTable Current => TenantQuotaTable.Unlimited;
}
