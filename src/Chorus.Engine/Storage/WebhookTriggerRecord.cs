using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>A webhook that starts executions of a workflow (a trigger of kind "webhook"). Its secret is kept only
/// encrypted: the server needs the value itself to check HMAC signatures, so a hash would not do.</summary>
public sealed record WebhookTriggerRecord
{
    public required TenantId Tenant { get; init; }
    /// <summary>Random (not time-ordered), unique across tenants: a call names only this id, and it must not be guessable.</summary>
    public required Guid Id { get; init; }
    public required Guid WorkflowId { get; init; }
    /// <summary>What the server decides about calls (headers kept, body cap, auth mode...); opaque to the store.</summary>
    public required JsonObject Settings { get; init; }
    /// <summary>The encrypted secret with what decrypting it needs; opaque to the store.</summary>
    public required byte[] SecretCiphertext { get; init; }
    public required bool Enabled { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The webhook triggers of every tenant. Writes happen outside the engine's transactions: a trigger
/// starts executions through the engine like any other caller.</summary>
public interface IWebhookTriggerStore
{
    Task CreateWebhookTriggerAsync(WebhookTriggerRecord trigger, CancellationToken ct);

    /// <summary>The trigger with this id in whatever tenant holds it: a call learns the tenant from the trigger.
    /// Never use it to answer a tenant's request.</summary>
    Task<WebhookTriggerRecord?> FindWebhookTriggerAsync(Guid id, CancellationToken ct);

    Task<WebhookTriggerRecord?> GetWebhookTriggerAsync(TenantId tenant, Guid id, CancellationToken ct);

    /// <summary>The workflow's webhook triggers, oldest first.</summary>
    Task<IReadOnlyList<WebhookTriggerRecord>> ListWebhookTriggersAsync(TenantId tenant, Guid workflowId, CancellationToken ct);

    /// <summary>Writes settings, secret, enabled and update time. False when the tenant has no such trigger.</summary>
    Task<bool> UpdateWebhookTriggerAsync(WebhookTriggerRecord trigger, CancellationToken ct);

    /// <summary>False when the tenant has no such trigger.</summary>
    Task<bool> DeleteWebhookTriggerAsync(TenantId tenant, Guid id, CancellationToken ct);
}
