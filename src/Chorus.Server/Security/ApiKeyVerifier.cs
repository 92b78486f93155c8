using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Server.Security;

/// <summary>A new key: its record (what is stored) and its full text, which exists only here and is shown once.</summary>
internal sealed record NewApiKey(ApiKeyRecord Record, string Key);

/// <summary>The outcome of checking a presented key: the principal it acts as, or why it was refused.</summary>
internal sealed record ApiKeyCheck(ClaimsPrincipal? Principal, string? Failure)
{
    public static ApiKeyCheck Refused { get; } = new(null, ApiKeyVerifier.Refusal);
}

/// <summary>Issues and verifies API keys, <c>chorus_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the row, the secret
/// proves possession and is kept only as its SHA-256. It does not depend on an HTTP request, so the WebSocket's
/// authenticate message verifies keys with it too.</summary>
internal sealed class ApiKeyVerifier(IApiKeyStore store, TimeProvider time, ILogger<ApiKeyVerifier> log)
{
    /// <summary>One message for every refusal: unknown, malformed, wrong secret or revoked look alike to a caller.</summary>
    public const string Refusal = "The API key is unknown or revoked.";

    /// <summary>The claim that names the key a principal comes from.</summary>
    public const string ApiKeyIdClaim = "api_key_id";

    private const int IdLength = 16;
    private const int SecretBytes = 32;
    // Anything longer than a key we issue is refused before hashing it.
    private static readonly int MaxLength = AuthSchemes.ApiKeyPrefix.Length + IdLength + 1 + 64;
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    // When this node last wrote each key's last use: a busy key costs one write a minute, not one per request.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <summary>A new key for <paramref name="tenant"/>, not yet stored.</summary>
    public NewApiKey Generate(TenantId tenant, string name, Role role, string createdBy)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));
        var record = new ApiKeyRecord
        {
            Id = id,
            Tenant = tenant,
            Name = name,
            Role = role.Name(),
            Hash = Hash(secret),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
        };
        return new NewApiKey(record, $"{AuthSchemes.ApiKeyPrefix}{id}_{secret}");
    }

    /// <summary>Generates and stores a key; the returned text is the only time anyone sees it.</summary>
    public async Task<NewApiKey> CreateAsync(TenantId tenant, string name, Role role, string createdBy, CancellationToken ct)
    {
        var created = Generate(tenant, name, role, createdBy);
        await store.CreateApiKeyAsync(created.Record, ct).ConfigureAwait(false);
        return created;
    }

    /// <summary>Checks a presented key. A refusal is a result, never an exception; a store that cannot be read
    /// throws as any other route's read does.</summary>
    public async Task<ApiKeyCheck> VerifyAsync(string presented, CancellationToken ct)
    {
        if (Parse(presented) is not { } parsed)
            return ApiKeyCheck.Refused;
        var (id, secret) = parsed;
        // An unknown id answers sooner than a wrong secret: ids are not secret (listings show them); the secret
        // is compared in constant time.
        var key = await store.FindApiKeyAsync(id, ct).ConfigureAwait(false);
        if (key is null || !CryptographicOperations.FixedTimeEquals(Hash(secret), key.Hash))
            return ApiKeyCheck.Refused;
        if (key.RevokedAt is not null || Roles.Parse(key.Role) is not { } role)
            return ApiKeyCheck.Refused;
        await TouchAsync(key.Id, ct).ConfigureAwait(false);
        return new ApiKeyCheck(Principal(key, role), null);
    }

    private static ClaimsPrincipal Principal(ApiKeyRecord key, Role role) => new(new ClaimsIdentity(
    [
        new Claim(ChorusClaims.Subject, $"apikey:{key.Id}"),
        new Claim(ChorusClaims.TenantId, key.Tenant.Value),
        new Claim(ChorusClaims.Role, role.Name()),
        new Claim(ApiKeyIdClaim, key.Id),
    ], AuthSchemes.ApiKey, ChorusClaims.Subject, ChorusClaims.Role));

    /// <summary>Writes the last use at most once a minute per key; a failed write is logged and the request goes on,
    /// since a key that works must not stop working because its bookkeeping cannot be written.</summary>
    private async Task TouchAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!ClaimTouch(id, now))
            return;
        try
        {
            await store.TouchApiKeyAsync(id, now, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away; the next use writes it.
            _touched.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, now));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Let the next use try again rather than wait out the minute.
            _touched.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, now));
            log.LogWarning(ex, "The last use of API key {ApiKeyId} could not be recorded.", id);
        }
    }

    /// <summary>True when this call should write the last use: none written by this node within the interval.</summary>
    private bool ClaimTouch(string id, DateTimeOffset now)
    {
        while (true)
        {
            if (!_touched.TryGetValue(id, out var last))
            {
                if (_touched.TryAdd(id, now))
                    return true;
                continue;
            }
            if (now - last < TouchInterval)
                return false;
            if (_touched.TryUpdate(id, now, last))
                return true;
        }
    }

    /// <summary>The id and secret of <c>chorus_&lt;16 lowercase hex&gt;_&lt;secret&gt;</c>, or null for any other text.
    /// The secret is base64url and may itself contain '_', so the id is taken by its length.</summary>
    private static (string Id, string Secret)? Parse(string? presented)
    {
        if (presented is null || presented.Length > MaxLength || !presented.StartsWith(AuthSchemes.ApiKeyPrefix, StringComparison.Ordinal))
            return null;
        var rest = presented.AsSpan(AuthSchemes.ApiKeyPrefix.Length);
        if (rest.Length < IdLength + 2 || rest[IdLength] != '_')
            return null;
        var id = rest[..IdLength];
        foreach (var c in id)
            if (!char.IsAsciiHexDigitLower(c))
                return null;
        return (id.ToString(), rest[(IdLength + 1)..].ToString());
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
