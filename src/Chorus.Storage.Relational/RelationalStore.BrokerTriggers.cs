using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore
{
    public Task CreateBrokerTriggerAsync(BrokerTriggerRecord trigger, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.BrokerTriggers.Insert(trigger), ct), ct);

    public Task<BrokerTriggerRecord?> GetBrokerTriggerAsync(TenantId tenant, string kind, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.BrokerTriggers.ById(tenant, kind, id), BrokerTriggerRows.Map, ct);

    public async Task<IReadOnlyList<BrokerTriggerRecord>> ListBrokerTriggersAsync(TenantId tenant, Guid workflowId, string kind, CancellationToken ct) =>
        await ListAsync(Sql.BrokerTriggers.OfWorkflow(tenant, workflowId, kind), BrokerTriggerRows.Map, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<BrokerTriggerRecord>> ListEnabledBrokerTriggersAsync(string kind, CancellationToken ct) =>
        await ListAsync(Sql.BrokerTriggers.Enabled(kind), BrokerTriggerRows.Map, ct).ConfigureAwait(false);

    public Task<bool> UpdateBrokerTriggerAsync(BrokerTriggerRecord trigger, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.BrokerTriggers.Update(trigger), ct).ConfigureAwait(false) > 0, ct);

    public Task<bool> DeleteBrokerTriggerAsync(TenantId tenant, string kind, Guid id, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.BrokerTriggers.Delete(tenant, kind, id), ct).ConfigureAwait(false) > 0, ct);
}
