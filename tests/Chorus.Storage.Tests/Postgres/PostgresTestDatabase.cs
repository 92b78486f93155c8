using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>Throwaway databases on the server named by CHORUS_TEST_POSTGRES, one per test, dropped afterwards.</summary>
internal sealed class PostgresTestDatabase
{
    private const string Variable = "CHORUS_TEST_POSTGRES";

    private readonly List<string> _names = [];

    /// <summary>The admin URL; the tests need a real server, so its absence fails them rather than skipping them.</summary>
    private static string AdminUrl =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run scripts/start-postgres.sh and export {Variable} to the URL it prints " +
                "(e.g. postgres://postgres@127.0.0.1:55432/postgres), or run scripts/test.sh, which does both.");

    public string FirstUrl => UrlOf(_names[0]);

    public static string UrlOf(string database) => new UriBuilder(AdminUrl) { Path = "/" + database }.Uri.ToString();

    /// <summary>Creates an empty database and returns its URL.</summary>
    public async Task<string> CreateAsync()
    {
        var name = $"chorus_test_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE {name}");
        _names.Add(name);
        return UrlOf(name);
    }

    public async Task DropAllAsync()
    {
        foreach (var name in _names)
            await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        _names.Clear();
    }

    public static async Task<long> ScalarAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url) + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(AdminUrl) + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
