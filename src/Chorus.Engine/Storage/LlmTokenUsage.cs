namespace Chorus.Engine.Storage;

/// <summary>The language-model tokens each tenant used per UTC day, for its daily budget. Counted outside the
/// engine's transactions: a step adds what a call used once the call has answered.</summary>
public interface ILlmTokenUsageStore
{
    /// <summary>The tokens the tenant used on <paramref name="day"/> (0 when none).</summary>
    Task<long> LlmTokensUsedAsync(TenantId tenant, DateOnly day, CancellationToken ct);

    /// <summary>Adds <paramref name="tokens"/> to the tenant's day and returns the day's new total.</summary>
    Task<long> AddLlmTokensAsync(TenantId tenant, DateOnly day, long tokens, CancellationToken ct);
}
