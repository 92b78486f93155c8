using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Runtime;
using Chorus.Server;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Microsoft.AspNetCore.Builder;

namespace Chorus.Web.Tests;

/// <summary>A real Chorus server on 127.0.0.1 (ephemeral port, own SQLite file) that the browser opens, with helpers to
/// mint tokens and create workflows over its API.</summary>
public sealed partial class WebUiServer : IAsyncDisposable
{
    private const string Secret = "chorus-web-test-secret-of-at-least-thirty-two-bytes";

    private readonly WebApplication _app;
    private readonly string _databasePath;
    private readonly HttpClient _api;

    private WebUiServer(WebApplication app, string databasePath, Uri address)
    {
        _app = app;
        _databasePath = databasePath;
        Address = address;
        _api = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public static async Task<WebUiServer> StartAsync()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"chorus-web-{Guid.NewGuid():N}.db");
        var options = new ServerOptions
        {
            DatabasePath = databasePath,
            FullSync = false,
            Auth = new AuthSettings { JwtSecret = Secret },
            RateLimitPerTenant = 0,
            RateLimitPerCredential = 0,
            Engine = new EngineOptions { CheckInterval = TimeSpan.FromMilliseconds(200) },
        };
        var app = await ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0"], options);
        await app.StartAsync();
        return new WebUiServer(app, databasePath, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
    }

    /// <summary>An admin token for the tenants, the first being its default.</summary>
    public static string Token(params string[] tenants) =>
        TokenIssuer.Mint(Encoding.UTF8.GetBytes(Secret), "web-test", tenants, "admin", TimeSpan.FromHours(1));

    /// <summary>A well-formed token for the same tenants that this server did not sign.</summary>
    public static string ForeignToken(params string[] tenants) =>
        TokenIssuer.Mint(Encoding.UTF8.GetBytes("another-secret-of-at-least-thirty-two-bytes!"), "web-test", tenants, "admin", TimeSpan.FromHours(1));

    public static string NewTenant() => $"t-{Guid.NewGuid():N}";

    public async Task<string> CreateWorkflowAsync(string tenant, string name)
    {
        var definition = new JsonObject
        {
            ["name"] = name,
            ["status"] = "active",
            ["steps"] = new JsonArray(new JsonObject
            {
                ["id"] = "done",
                ["type"] = "output",
                ["config"] = new JsonObject { ["value"] = new JsonObject { ["ok"] = true } },
            }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/workflows")
        {
            Content = new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(tenant));
        using var response = await _api.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating the workflow: HTTP {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".key", ".secrets.key" })
            File.Delete(_databasePath + suffix);
    }
}
