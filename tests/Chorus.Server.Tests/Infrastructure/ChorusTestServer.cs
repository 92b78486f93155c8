using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Microsoft.AspNetCore.Builder;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A real Chorus server on 127.0.0.1 with an ephemeral port and its own SQLite file.</summary>
public sealed class ChorusTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    // Null when the caller named the database: it outlives this server (a restart test) and the caller removes it.
    private readonly string? _ownDatabasePath;

    private ChorusTestServer(WebApplication app, string? ownDatabasePath, Uri address)
    {
        _app = app;
        _ownDatabasePath = ownDatabasePath;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }

    /// <summary>The running application's services: the security tests read its endpoints from here, so a route
    /// added later is covered without a test naming it.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; on <paramref name="databasePath"/> when given (the caller removes it), else on a new temp
    /// file; on the PostgreSQL database of <paramref name="postgresUrl"/> when given.</summary>
    public static async Task<ChorusTestServer> StartAsync(Action<StepRegistry>? configureSteps = null, string? databasePath = null,
        string? postgresUrl = null, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var ownsDatabase = databasePath is null;
        databasePath ??= Path.Combine(Path.GetTempPath(), $"chorus-api-{Guid.NewGuid():N}.db");
        var options = new ServerOptions
        {
            DatabasePath = databasePath,
            PostgresUrl = postgresUrl,
            // NORMAL keeps the many small commits of a test run cheap; durability is the storage tests' subject.
            FullSync = false,
            Auth = new AuthSettings { JwtSecret = TestTokens.Secret },
            // Tests fire requests as fast as they can from one token; RateLimitTests sets real limits.
            RateLimitPerTenant = 0,
            RateLimitPerCredential = 0,
            Engine = new EngineOptions
            {
                CheckInterval = TimeSpan.FromMilliseconds(200),
                LeaseDuration = TimeSpan.FromSeconds(5),
            },
        };
        options = configure?.Invoke(options) ?? options;
        var app = await ChorusServer.BuildAsync(["--urls", "http://127.0.0.1:0"], options, configureSteps);
        await app.StartAsync();
        var address = app.Urls.Single();
        return new ChorusTestServer(app, ownsDatabase ? databasePath : null, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownDatabasePath is null)
            return;
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try
            {
                File.Delete(_ownDatabasePath + suffix);
            }
            catch (IOException)
            {
                // A file still held open is left to the OS temp cleanup rather than failing the run.
            }
        }
    }
}

/// <summary>One server shared by the tests of a class; tests keep apart by fresh workflows and tenants.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private ChorusTestServer? _server;

    public HttpClient Client => Server.Client;

    public ChorusTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
