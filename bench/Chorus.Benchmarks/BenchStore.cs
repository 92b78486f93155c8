using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;
using Chorus.Storage.Sqlite;
using Npgsql;

namespace Chorus.Benchmarks;

internal enum StoreKind { Sqlite, Postgres }

/// <summary>A fresh, empty store per run, removed afterwards: a temp SQLite file, or a new database on the
/// PostgreSQL server named by CHORUS_BENCH_POSTGRES or else CHORUS_TEST_POSTGRES (default: the one scripts/start-postgres.sh starts).</summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _cleanUp;
    private readonly bool _fullSync;

    private BenchStore(StoreKind kind, IChorusStore store, string url, bool fullSync, Func<ValueTask> cleanUp)
    {
        Kind = kind;
        Store = store;
        Url = url;
        _fullSync = fullSync;
        _cleanUp = cleanUp;
    }

    public StoreKind Kind { get; }

    public IChorusStore Store { get; private set; }

    /// <summary>Where the data is: a file path or a PostgreSQL URL another node process can open.</summary>
    public string Url { get; }

    public static async Task<BenchStore> OpenAsync(StoreKind kind, bool fullSync)
    {
        if (kind == StoreKind.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "chorus-bench-" + Guid.NewGuid().ToString("N"));
            var file = Path.Combine(directory, "bench.db");
            return new BenchStore(kind, await OpenStoreAsync(kind, file, fullSync), file, fullSync, () => { Directory.Delete(directory, recursive: true); return ValueTask.CompletedTask; });
        }
        var admin = Environment.GetEnvironmentVariable("CHORUS_BENCH_POSTGRES")
            ?? Environment.GetEnvironmentVariable("CHORUS_TEST_POSTGRES") ?? "postgres://postgres@127.0.0.1:55432/postgres";
        var database = "chorus_bench_" + Guid.NewGuid().ToString("N");
        await RunAsync(admin, $"CREATE DATABASE {database}");
        var url = admin[..admin.LastIndexOf('/')] + "/" + database;
        return new BenchStore(kind, await OpenStoreAsync(kind, url, fullSync), url, fullSync, () => new ValueTask(RunAsync(admin, $"DROP DATABASE {database} WITH (FORCE)")));
    }

    private static async Task<IChorusStore> OpenStoreAsync(StoreKind kind, string url, bool fullSync) => kind == StoreKind.Sqlite
        ? await SqliteStore.OpenAsync(url, fullSync)
        : await PostgresStore.OpenAsync(url);

    /// <summary>Closes the store and opens the same data again, as a restarted server process does.</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await OpenStoreAsync(Kind, Url, _fullSync);
    }

    private static async Task RunAsync(string url, string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await _cleanUp();
    }
}
