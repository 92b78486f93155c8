using Npgsql;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>A fresh, empty PostgreSQL database on the server named by CHORUS_TEST_POSTGRES for one test, dropped
/// (with its connections forced closed) when the test ends.</summary>
internal sealed class ClusterDatabase : IAsyncDisposable
{
    private const string Variable = "CHORUS_TEST_POSTGRES";
    private readonly string _name;

    private ClusterDatabase(string name)
    {
        _name = name;
        Url = new UriBuilder(AdminUrl) { Path = "/" + name }.Uri.ToString();
    }

    /// <summary>The URL the servers get as DATABASE_URL.</summary>
    public string Url { get; }

    /// <summary>The cluster tests need a real server: its absence fails them rather than skipping them.</summary>
    private static string AdminUrl =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run scripts/start-postgres.sh and export {Variable} to the URL it prints " +
                "(e.g. postgres://postgres@127.0.0.1:55432/postgres), or run scripts/test.sh, which does both.");

    public static async Task<ClusterDatabase> CreateAsync()
    {
        var name = $"chorus_cluster_{Guid.NewGuid():N}";
        await ExecuteAsync(AdminUrl, $"CREATE DATABASE {name}");
        return new ClusterDatabase(name);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync(Url);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The first column of every row, as text.</summary>
    public async Task<List<string>> TextsAsync(string sql)
    {
        await using var connection = await OpenAsync(Url);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }

    /// <summary>The leased work items at this moment: (id, fence, lease owner, lease expiry).</summary>
    public async Task<List<(long Id, long Fence, string Owner, DateTimeOffset Expires)>> LeasedItemsAsync()
    {
        await using var connection = await OpenAsync(Url);
        await using var command = new NpgsqlCommand(
            "SELECT id, fence, lease_owner, lease_expires_at FROM workflow.work_items WHERE lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var items = new List<(long, long, string, DateTimeOffset)>();
        while (await reader.ReadAsync())
            items.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return items;
    }

    /// <summary>The current fence and owner of each of <paramref name="ids"/> still in the queue.</summary>
    public async Task<Dictionary<long, (long Fence, string? Owner)>> ItemsAsync(IReadOnlyCollection<long> ids)
    {
        await using var connection = await OpenAsync(Url);
        await using var command = new NpgsqlCommand("SELECT id, fence, lease_owner FROM workflow.work_items WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var items = new Dictionary<long, (long, string?)>();
        while (await reader.ReadAsync())
            items[reader.GetInt64(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return items;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(AdminUrl, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");

    private static async Task ExecuteAsync(string url, string sql)
    {
        await using var connection = await OpenAsync(url);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> OpenAsync(string url)
    {
        var uri = new Uri(url);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = user.Length > 0 ? user : "postgres",
            Database = uri.AbsolutePath.TrimStart('/'),
            Pooling = false,
        };
        if (uri.UserInfo.Split(':') is [_, var password])
            builder.Password = Uri.UnescapeDataString(password);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
