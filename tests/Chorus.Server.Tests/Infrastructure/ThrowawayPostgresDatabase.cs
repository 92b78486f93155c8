using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>A test class with a database of its own on the PostgreSQL server that scripts/test.sh starts
/// (CHORUS_TEST_POSTGRES), created before its tests and dropped after them.</summary>
public abstract class ThrowawayPostgresDatabase(string prefix) : IAsyncLifetime
{
    private const string Variable = "CHORUS_TEST_POSTGRES";

    protected string Database { get; } = $"{prefix}_{Guid.NewGuid():N}";

    protected static string AdminUrl => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url
        : throw new InvalidOperationException($"{Variable} is not set; run scripts/test.sh, or scripts/start-postgres.sh and export {Variable}.");

    /// <summary>The URL of this class's own database.</summary>
    protected string Url => new UriBuilder(AdminUrl) { Path = "/" + Database }.Uri.ToString();

    public Task InitializeAsync() => SqlAsync(AdminUrl, $"CREATE DATABASE {Database}");

    public Task DisposeAsync() => SqlAsync(AdminUrl, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");

    /// <summary>Runs statements on the database at <paramref name="url"/>, outside any pool.</summary>
    protected static async Task SqlAsync(string url, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url) + ";Pooling=false");
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
