using System.Net;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Server.Tests.Storage;

/// <summary>A real PostgreSQL database turned read-only under a running server (as after a fail-over to a standby):
/// writes answer 503 storage_unavailable with Retry-After, readiness says so, reads still work, and the server
/// recovers by itself when the database takes writes again. (A SQLite file cannot turn read-only under a running
/// server: a busy mount refuses to be remounted read-only, and root ignores file modes.)</summary>
public sealed class ReadOnlyDatabaseTests : IAsyncLifetime
{
    private const string Variable = "CHORUS_TEST_POSTGRES";
    private static readonly string Tenant = ApiCalls.NewTenant();
    private readonly string _database = $"chorus_readonly_{Guid.NewGuid():N}";

    private static string AdminUrl => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url
        : throw new InvalidOperationException($"{Variable} is not set; run scripts/test.sh, or scripts/start-postgres.sh and export {Variable}.");

    public Task InitializeAsync() => AdminAsync($"CREATE DATABASE {_database}");

    public Task DisposeAsync() => AdminAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");

    [Fact]
    public async Task DatabaseTurnsReadOnly_Answers503StorageUnavailable_ThenRecovers()
    {
        var url = new UriBuilder(AdminUrl) { Path = "/" + _database }.Uri.ToString();
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: url);
        var client = server.Client;
        var workflow = await client.CreateWorkflow(Tenant, Definitions.Greeting());
        var before = await StorageFaults.RunToCompletion(client, Tenant, workflow, "before");

        await SetReadOnlyAsync(true);
        var refused = await StorageFaults.StartUntilRefused(client, Tenant, workflow);

        StorageFaults.AssertStorageError(refused, "storage_unavailable");
        var ready = await client.Get("/health/ready", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("storage_unavailable", ready.Str("checks.storage"));
        Assert.Equal("completed", (await client.Get($"/api/executions/{before}", Tenant)).Expect(HttpStatusCode.OK).Str("status"));

        await SetReadOnlyAsync(false);

        await StorageFaults.WaitUntilReady(client);
        await StorageFaults.RunToCompletion(client, Tenant, workflow, "after");
        Assert.Equal("hello before", (await client.Get($"/api/executions/{before}", Tenant)).Expect(HttpStatusCode.OK).Str("output.greeting"));
    }

    /// <summary>New sessions of the database start read-only (or not); the server's open sessions are ended so that
    /// its pool reconnects and gets the setting.</summary>
    private Task SetReadOnlyAsync(bool readOnly) => AdminAsync(
        $"ALTER DATABASE {_database} {(readOnly ? "SET default_transaction_read_only = on" : "RESET default_transaction_read_only")}",
        $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_database}' AND pid <> pg_backend_pid()");

    private static async Task AdminAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(AdminUrl) + ";Pooling=false");
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
