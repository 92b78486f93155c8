using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Server.Secrets;
using Chorus.Server.Security;

namespace Chorus.Server.Api;

/// <summary>The caller's tenant's secrets, which steps use as <c>{{ secrets.NAME }}</c>. Admins only. No answer
/// ever holds a value: it is written, rotated and deleted, never read back.</summary>
internal static class SecretsApi
{
    private static readonly string[] Fields = ["name", "value"];
    private const int MaxNameLength = 100;
    private const int MaxValueBytes = 64 * 1024;

    public static void MapSecrets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/secrets").RequireRole(Role.Admin);
        group.MapPost("/", Write).Bodies("SecretRequest", "Secret");
        group.MapGet("/", List).Bodies(response: "SecretList");
        group.MapGet("/{name}", Get).Bodies(response: "Secret");
        group.MapDelete("/{name}", Delete);
    }

    /// <summary>201 when the name is new, 200 when it replaces the value (rotation).</summary>
    private static async Task<IResult> Write(HttpContext http, SecretVault vault)
    {
        var (name, value) = ReadNew(await http.ReadObjectAsync());
        var (record, created) = await vault.WriteAsync(http.Tenant(), name, value, http.Caller().Subject, http.RequestAborted);
        if (created)
            http.Response.Headers.Location = $"/api/secrets/{name}";
        return TypedResults.Json(Representation(record), statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> List(HttpContext http, ISecretStore store)
    {
        var secrets = await store.ListSecretsAsync(http.Tenant(), http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["items"] = Representations.Array(secrets, Representation), ["total"] = secrets.Count });
    }

    private static async Task<IResult> Get(HttpContext http, string name, ISecretStore store)
    {
        var secret = IsName(name) ? await store.GetSecretAsync(http.Tenant(), name, http.RequestAborted) : null;
        return TypedResults.Json(Representation(secret ?? throw NotFound(name)));
    }

    private static async Task<IResult> Delete(HttpContext http, string name, ISecretStore store)
    {
        if (!IsName(name) || !await store.DeleteSecretAsync(http.Tenant(), name, http.RequestAborted))
            throw NotFound(name);
        return TypedResults.NoContent();
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static ChorusException NotFound(string name) =>
        new(ErrorCodes.NotFound, $"Secret '{(name.Length > 64 ? name[..64] + "..." : name)}' does not exist.");

    private static (string Name, string Value) ReadNew(JsonObject body)
    {
        var unknown = body.Select(p => p.Key).Where(k => !Fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"A secret has only {string.Join(", ", Fields)}.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)k).ToArray()) });
        if (body["name"] is not JsonValue nameNode || !nameNode.TryGetValue<string>(out var name) || !IsName(name))
            throw new ChorusException(ErrorCodes.InvalidInput,
                $"'name' must be a string of 1 to {MaxNameLength} letters, digits or '_'.", new JsonObject { ["field"] = "name" });
        // The value is never echoed, not even in this error.
        if (body["value"] is not JsonValue valueNode || !valueNode.TryGetValue<string>(out var value) || value.Length == 0
            || System.Text.Encoding.UTF8.GetByteCount(value) > MaxValueBytes)
            throw new ChorusException(ErrorCodes.InvalidInput,
                $"'value' must be a non-empty string of at most {MaxValueBytes} bytes.", new JsonObject { ["field"] = "value" });
        return (name, value);
    }

    /// <summary>What anyone may see of a secret: never its value or ciphertext.</summary>
    private static JsonObject Representation(SecretRecord s) => new()
    {
        ["name"] = s.Name,
        ["created_at"] = Representations.Iso(s.CreatedAt),
        ["updated_at"] = Representations.Iso(s.UpdatedAt),
        ["created_by"] = s.CreatedBy,
        ["updated_by"] = s.UpdatedBy,
    };
}
