using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore : ILlmTokenUsageStore
{
    public Task<long> LlmTokensUsedAsync(TenantId tenant, DateOnly day, CancellationToken ct) =>
        WithConnectionAsync(async c => Columns.Long(await ScalarAsync(c, Sql.LlmTokens.Used(tenant, day), ct).ConfigureAwait(false)), ct);

    public Task<long> AddLlmTokensAsync(TenantId tenant, DateOnly day, long tokens, CancellationToken ct) =>
        WithConnectionAsync(async c => Columns.Long(await ScalarAsync(c, Sql.LlmTokens.Add(tenant, day, tokens), ct).ConfigureAwait(false)), ct);
}
