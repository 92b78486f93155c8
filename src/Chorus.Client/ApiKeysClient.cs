using System.Text.Json.Nodes;
using static Chorus.Client.ChorusConnection;

namespace Chorus.Client;

/// <summary>The tenant's API keys (admins only): <c>/api/api-keys</c>.</summary>
public sealed class ApiKeysClient
{
    private readonly ChorusConnection _connection;

    internal ApiKeysClient(ChorusConnection connection) => _connection = connection;

    /// <summary>The keys, revoked ones too, without their secret.</summary>
    public async Task<ChorusList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        Answers.List<ApiKey>(await _connection.GetAsync("api/api-keys", cancellationToken));

    /// <summary>One key, without its secret.</summary>
    public async Task<ApiKey> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Answers.Read<ApiKey>(await _connection.GetAsync("api/api-keys/" + Segment(id), cancellationToken));

    /// <summary>Creates a key with a role (<c>admin</c>, <c>member</c> or <c>viewer</c>); the answer's
    /// <see cref="ApiKey.Key"/> is shown this once.</summary>
    public async Task<ApiKey> CreateAsync(string name, string role, CancellationToken cancellationToken = default) =>
        Answers.Read<ApiKey>(await _connection.SendAsync(HttpMethod.Post, "api/api-keys", new JsonObject { ["name"] = name, ["role"] = role }, cancellationToken));

    /// <summary>Revokes a key: from then on it answers 401.</summary>
    public Task RevokeAsync(string id, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, "api/api-keys/" + Segment(id), null, cancellationToken);
}

/// <summary>The tenant's secrets (admins only): <c>/api/secrets</c>. Values go in, never come out.</summary>
public sealed class SecretsClient
{
    private readonly ChorusConnection _connection;

    internal SecretsClient(ChorusConnection connection) => _connection = connection;

    /// <summary>The secrets' names and when they changed.</summary>
    public async Task<ChorusList<Secret>> ListAsync(CancellationToken cancellationToken = default) =>
        Answers.List<Secret>(await _connection.GetAsync("api/secrets", cancellationToken));

    /// <summary>One secret's name and history.</summary>
    public async Task<Secret> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Answers.Read<Secret>(await _connection.GetAsync("api/secrets/" + Segment(name), cancellationToken));

    /// <summary>Creates or replaces a secret; workflows read it as <c>{{ secrets.NAME }}</c>.</summary>
    public async Task<Secret> SetAsync(string name, string value, CancellationToken cancellationToken = default) =>
        Answers.Read<Secret>(await _connection.SendAsync(HttpMethod.Post, "api/secrets", new JsonObject { ["name"] = name, ["value"] = value }, cancellationToken));

    /// <summary>Deletes a secret.</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, "api/secrets/" + Segment(name), null, cancellationToken);
}
