namespace Chorus.Engine.Storage;

/// <summary>A tenant's named secret, as the store keeps it: only its ciphertext, never its value. Whoever writes
/// it encrypts it first (the server uses AES-GCM with the tenant and name as associated data).</summary>
public sealed record SecretRecord
{
    public required TenantId Tenant { get; init; }
    /// <summary>1 to 100 letters, digits and '_', unique within the tenant.</summary>
    public required string Name { get; init; }
    /// <summary>The encrypted value with what decrypting it needs (nonce and tag); opaque to the store.</summary>
    public required byte[] Ciphertext { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The subject of the credential that created it.</summary>
    public required string CreatedBy { get; init; }
    /// <summary>The subject of the credential that wrote its current value.</summary>
    public required string UpdatedBy { get; init; }
}

/// <summary>The secrets of every tenant. Every operation names the tenant: no call reads across tenants. Writes
/// happen outside the engine's transactions: a secret has nothing to do with executions.</summary>
public interface ISecretStore
{
    /// <summary>Creates the secret, or replaces the value of the tenant's secret with this name (keeping its
    /// creation time and creator, taking the new ciphertext, update time and updater). True when it was created.</summary>
    Task<bool> UpsertSecretAsync(SecretRecord secret, CancellationToken ct);

    Task<SecretRecord?> GetSecretAsync(TenantId tenant, string name, CancellationToken ct);

    /// <summary>The tenant's secrets ordered by name.</summary>
    Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(TenantId tenant, CancellationToken ct);

    /// <summary>False when the tenant has no secret with this name.</summary>
    Task<bool> DeleteSecretAsync(TenantId tenant, string name, CancellationToken ct);
}
