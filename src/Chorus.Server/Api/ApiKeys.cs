using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary>API keys of the caller's tenant, for machines: created by an admin with a role, shown once, listed
/// without their secret, revoked by deleting them. Admins only.</summary>
internal static class ApiKeys
{
    private static readonly string[] Fields = ["name", "role"];
    private const int MaxNameLength = 100;

    public static void MapApiKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/api-keys").RequireRole(Role.Admin);
        group.MapPost("/", Create).Bodies("ApiKeyRequest", "ApiKey", StatusCodes.Status201Created);
        group.MapGet("/", List).Bodies(response: "ApiKeyList");
        group.MapGet("/{id}", Get).Bodies(response: "ApiKey");
        group.MapDelete("/{id}", Revoke);
    }

    private static async Task<IResult> Create(HttpContext http, ApiKeyVerifier verifier)
    {
        var (name, role) = ReadNew(await http.ReadObjectAsync());
        var created = await verifier.CreateAsync(http.Tenant(), name, role, http.Caller().Subject, http.RequestAborted);
        http.Response.Headers.Location = $"/api/api-keys/{created.Record.Id}";
        var json = Representation(created.Record);
        json["key"] = created.Key;
        return TypedResults.Json(json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> List(HttpContext http, IApiKeyStore store)
    {
        var keys = await store.ListApiKeysAsync(http.Tenant(), http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["items"] = Representations.Array(keys, Representation), ["total"] = keys.Count });
    }

    private static async Task<IResult> Get(HttpContext http, string id, IApiKeyStore store)
    {
        var key = await store.GetApiKeyAsync(http.Tenant(), KeyId(id), http.RequestAborted) ?? throw NotFound(id);
        return TypedResults.Json(Representation(key));
    }

    /// <summary>Revoking a key revoked already answers 204 again and keeps its first revocation time.</summary>
    private static async Task<IResult> Revoke(HttpContext http, string id, IApiKeyStore store, TimeProvider time, ApiKeyRevocations revocations)
    {
        if (!await store.RevokeApiKeyAsync(http.Tenant(), KeyId(id), time.GetUtcNow(), http.RequestAborted))
            throw NotFound(id);
        // WebSocket connections on this node that authenticated with the key end at their next event.
        revocations.MarkRevoked(KeyId(id));
        return TypedResults.NoContent();
    }

    /// <summary>The id of a key this server could have issued; anything else names no key (404, as another
    /// tenant's key does).</summary>
    private static string KeyId(string id) =>
        id.Length == 16 && id.All(char.IsAsciiHexDigitLower) ? id : throw NotFound(id);

    private static ChorusException NotFound(string id) =>
        new(ErrorCodes.NotFound, $"API key '{(id.Length > 64 ? id[..64] + "..." : id)}' does not exist.");

    private static (string Name, Role Role) ReadNew(JsonObject body)
    {
        var unknown = body.Select(p => p.Key).Where(k => !Fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"An API key has only {string.Join(", ", Fields)}.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)k).ToArray()) });
        var name = body.OptionalString("name")?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            throw new ChorusException(ErrorCodes.InvalidInput, $"'name' must be a string of 1 to {MaxNameLength} characters.",
                new JsonObject { ["field"] = "name" });
        // A tenant's key never acts as the server's operator, whoever creates it.
        var role = Roles.Parse(body.OptionalString("role")) is { } parsed && parsed <= Role.Admin ? parsed
            : throw new ChorusException(ErrorCodes.InvalidInput, "'role' must be admin, member or viewer.", new JsonObject { ["field"] = "role" });
        return (name, role);
    }

    /// <summary>What anyone may see of a key: never its secret or hash.</summary>
    private static JsonObject Representation(ApiKeyRecord k) => new()
    {
        ["id"] = k.Id,
        ["name"] = k.Name,
        ["role"] = k.Role,
        ["tenant_id"] = k.Tenant.Value,
        ["created_at"] = Representations.Iso(k.CreatedAt),
        ["created_by"] = k.CreatedBy,
        ["last_used_at"] = Representations.Iso(k.LastUsedAt),
        ["revoked_at"] = Representations.Iso(k.RevokedAt),
    };
}
