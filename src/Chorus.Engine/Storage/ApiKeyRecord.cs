namespace Chorus.Engine.Storage;

/// <summary>An API key a machine uses instead of a token. Only the SHA-256 of its secret part is kept: the key
/// itself is shown once, when it is created, and cannot be read back.</summary>
public sealed record ApiKeyRecord
{
    /// <summary>The public part of the key (16 lowercase hex characters), unique across tenants: it is how a
    /// presented key finds its row before the tenant is known.</summary>
    public required string Id { get; init; }
    public required TenantId Tenant { get; init; }
    public required string Name { get; init; }
    /// <summary>The role name the key acts with (admin, member or viewer).</summary>
    public required string Role { get; init; }
    /// <summary>SHA-256 of the secret part's text.</summary>
    public required byte[] Hash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The subject of the credential that created it.</summary>
    public required string CreatedBy { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    /// <summary>Set once; a revoked key is refused but still listed, so its history stays visible.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The API keys of every tenant. Writes happen outside the engine's transactions: a key has nothing to
/// do with executions.</summary>
public interface IApiKeyStore
{
    Task CreateApiKeyAsync(ApiKeyRecord key, CancellationToken ct);

    /// <summary>The key with this id in whatever tenant holds it: verification learns the tenant from the key.
    /// Never use it to answer a tenant's request.</summary>
    Task<ApiKeyRecord?> FindApiKeyAsync(string id, CancellationToken ct);

    /// <summary>The tenant's keys, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(TenantId tenant, CancellationToken ct);

    Task<ApiKeyRecord?> GetApiKeyAsync(TenantId tenant, string id, CancellationToken ct);

    /// <summary>Marks the key revoked at <paramref name="at"/> (a key revoked already keeps its first time). False
    /// when the tenant has no key with this id.</summary>
    Task<bool> RevokeApiKeyAsync(TenantId tenant, string id, DateTimeOffset at, CancellationToken ct);

    /// <summary>Records a use of the key at <paramref name="at"/>; an earlier time never replaces a later one.</summary>
    Task TouchApiKeyAsync(string id, DateTimeOffset at, CancellationToken ct);
}
