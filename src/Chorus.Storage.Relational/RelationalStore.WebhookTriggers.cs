using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

public abstract partial class RelationalStore
{
    public Task CreateWebhookTriggerAsync(WebhookTriggerRecord trigger, CancellationToken ct) =>
        WithConnectionAsync(c => ExecuteAsync(c, Sql.WebhookTriggers.Insert(trigger), ct), ct);

    public Task<WebhookTriggerRecord?> FindWebhookTriggerAsync(Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.WebhookTriggers.Find(id), WebhookTriggerRows.Map, ct);

    public Task<WebhookTriggerRecord?> GetWebhookTriggerAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.WebhookTriggers.ById(tenant, id), WebhookTriggerRows.Map, ct);

    public async Task<IReadOnlyList<WebhookTriggerRecord>> ListWebhookTriggersAsync(TenantId tenant, Guid workflowId, CancellationToken ct) =>
        await ListAsync(Sql.WebhookTriggers.OfWorkflow(tenant, workflowId), WebhookTriggerRows.Map, ct).ConfigureAwait(false);

    public Task<bool> UpdateWebhookTriggerAsync(WebhookTriggerRecord trigger, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.WebhookTriggers.Update(trigger), ct).ConfigureAwait(false) > 0, ct);

    public Task<bool> DeleteWebhookTriggerAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.WebhookTriggers.Delete(tenant, id), ct).ConfigureAwait(false) > 0, ct);
}
