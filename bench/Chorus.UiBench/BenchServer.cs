using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Chorus.Server;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Microsoft.AspNetCore.Builder;

namespace Chorus.UiBench;

/// <summary>A real Chorus server on 127.0.0.1 (ephemeral port, its own SQLite file, as `chorus serve` composes it),
/// with helpers to mint tokens and call its API.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private const string Secret = "chorus-ui-bench-secret-of-at-least-thirty-two-bytes";

    private readonly WebApplication _app;
    private readonly string _databasePath;
    private readonly HttpClient _api;

    private BenchServer(WebApplication app, string databasePath, Uri address)
    {
        _app = app;
        _databasePath = databasePath;
        Address = address;
        _api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }

    /// <summary>The server's services, to watch what it does from the inside (its engine's committed events).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<BenchServer> StartAsync()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"chorus-uibench-{Guid.NewGuid():N}.db");
        var options = new ServerOptions
        {
            DatabasePath = databasePath,
            FullSync = false,
            Auth = new AuthSettings { JwtSecret = Secret },
            RateLimitPerTenant = 0,
            RateLimitPerCredential = 0,
        };
        var app = await ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], options);
        await app.StartAsync();
        return new BenchServer(app, databasePath, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
    }

    /// <summary>A token for the tenant with the given role, valid for two hours.</summary>
    public static string Token(string tenant, string role = "admin") =>
        TokenIssuer.Mint(Encoding.UTF8.GetBytes(Secret), "ui-bench", [tenant], role, TimeSpan.FromHours(2));

    public static string NewTenant(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    /// <summary>Calls the API as an admin of the tenant; the status and the parsed body (null when empty).</summary>
    public async Task<(int Status, JsonNode? Body)> ApiAsync(HttpMethod method, string path, string tenant, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(tenant));
        using var response = await _api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>The same, failing unless the status is the expected one.</summary>
    public async Task<JsonNode?> MustAsync(HttpMethod method, string path, string tenant, JsonNode? body, int expected)
    {
        var (status, answer) = await ApiAsync(method, path, tenant, body);
        if (status != expected)
            throw new InvalidOperationException($"{method} {path}: HTTP {status} {answer?.ToJsonString()}");
        return answer;
    }

    public async Task<string> CreateWorkflowAsync(string tenant, JsonObject definition) =>
        (await MustAsync(HttpMethod.Post, "api/workflows", tenant, definition, 201))!["id"]!.GetValue<string>();

    public async Task<string> StartExecutionAsync(string tenant, string workflowId, JsonObject? input = null) =>
        (await MustAsync(HttpMethod.Post, $"api/workflows/{workflowId}/execute", tenant,
            new JsonObject { ["input"] = input ?? new JsonObject() }, 202))!["id"]!.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_databasePath + suffix);
    }
}
