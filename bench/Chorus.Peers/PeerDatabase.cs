using Npgsql;

namespace Chorus.Peers;

/// <summary>A fresh, empty place for one run's data, removed afterwards: a new database on the PostgreSQL server,
/// or a temp folder for a SQLite file.</summary>
internal sealed class PeerDatabase : IAsyncDisposable
{
    private readonly Func<Task> _remove;

    private PeerDatabase(string location, Func<Task> remove)
    {
        Location = location;
        _remove = remove;
    }

    /// <summary>An Npgsql connection string, or the path of a SQLite file that does not exist yet.</summary>
    public string Location { get; }

    public static async Task<PeerDatabase> CreateAsync(Store store)
    {
        if (store == Store.Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("chorus-peers-").FullName;
            return new PeerDatabase(Path.Combine(directory, "peer.db"), () =>
            {
                Directory.Delete(directory, recursive: true);
                return Task.CompletedTask;
            });
        }
        var server = ToConnectionString(BenchOptions.PostgresServerUrl);
        var database = "chorus_peers_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var location = new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = 50 }.ConnectionString;
        return new PeerDatabase(location, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE {database} WITH (FORCE)");
        });
    }

    public async ValueTask DisposeAsync() => await _remove();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>postgres://user[:password]@host[:port]/database as an Npgsql connection string.</summary>
    private static string ToConnectionString(string url)
    {
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } name ? name : "postgres",
        }.ConnectionString;
    }
}
