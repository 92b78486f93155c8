using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>A trigger that starts one execution of a workflow per message read from a message broker (kind
/// "rabbitmq"; another broker's adapter brings its own kind). What to connect to and read from is the server's
/// business: the store keeps it as opaque settings, which never hold a credential in clear (they name a secret).</summary>
public sealed record BrokerTriggerRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid Id { get; init; }
    public required Guid WorkflowId { get; init; }
    /// <summary>The broker's adapter: "rabbitmq".</summary>
    public required string Kind { get; init; }
    public required JsonObject Settings { get; init; }
    public required bool Enabled { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The broker triggers of every tenant. Writes happen outside the engine's transactions: a consumer starts
/// executions through the engine like any other caller.</summary>
public interface IBrokerTriggerStore
{
    Task CreateBrokerTriggerAsync(BrokerTriggerRecord trigger, CancellationToken ct);

    /// <summary>The tenant's trigger of this kind with this id, or null.</summary>
    Task<BrokerTriggerRecord?> GetBrokerTriggerAsync(TenantId tenant, string kind, Guid id, CancellationToken ct);

    /// <summary>The workflow's triggers of this kind, oldest first.</summary>
    Task<IReadOnlyList<BrokerTriggerRecord>> ListBrokerTriggersAsync(TenantId tenant, Guid workflowId, string kind, CancellationToken ct);

    /// <summary>Every tenant's enabled triggers of this kind: what the consumers of each node should be reading.
    /// Never use it to answer a tenant's request.</summary>
    Task<IReadOnlyList<BrokerTriggerRecord>> ListEnabledBrokerTriggersAsync(string kind, CancellationToken ct);

    /// <summary>Writes settings, enabled and update time. False when the tenant has no such trigger.</summary>
    Task<bool> UpdateBrokerTriggerAsync(BrokerTriggerRecord trigger, CancellationToken ct);

    /// <summary>False when the tenant has no such trigger.</summary>
    Task<bool> DeleteBrokerTriggerAsync(TenantId tenant, string kind, Guid id, CancellationToken ct);
}
