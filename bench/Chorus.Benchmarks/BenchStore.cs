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

    private BenchStore(StoreKind kind, IChorusStore store, string url, bool fullSync, Func<ValueTask> cleanUp, string adminUrl = "", string database = "")
    {
        Kind = kind;
        Store = store;
        Url = url;
        _fullSync = fullSync;
        _cleanUp = cleanUp;
        AdminUrl = adminUrl;
        Database = database;
    }

    /// <summary>PostgreSQL: the server's own database, where the bench creates and drops its databases.</summary>
    public string AdminUrl { get; }

    /// <summary>PostgreSQL: the name of this run's database.</summary>
    public string Database { get; }

    /// <summary>PostgreSQL on this machine: the server's main process, whose children are its backends (null when the
    /// server runs elsewhere: its CPU time is then not measured).</summary>
    public int? PostmasterPid { get; private init; }

    public StoreKind Kind { get; }

    public IChorusStore Store { get; private set; }

    /// <summary>Where the data is: a file path or a PostgreSQL URL another node process can open.</summary>
    public string Url { get; }

    /// <param name="stats">PostgreSQL: pg_stat_statements tracks the statements of this database (for --stats); the
    /// server must load it (scripts/start-postgres.sh does, tracking nothing until a database asks).</param>
    public static async Task<BenchStore> OpenAsync(StoreKind kind, bool fullSync, bool stats = false)
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
        if (stats)
        {
            await RunAsync(admin, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await RunAsync(admin, $"ALTER DATABASE {database} SET pg_stat_statements.track = 'top'");
        }
        var url = admin[..admin.LastIndexOf('/')] + "/" + database;
        return new BenchStore(kind, await OpenStoreAsync(kind, url, fullSync), url, fullSync, () => new ValueTask(RunAsync(admin, $"DROP DATABASE {database} WITH (FORCE)")), admin, database)
        {
            PostmasterPid = await PostmasterPidAsync(admin),
        };
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

    private static async Task<int?> PostmasterPidAsync(string url)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = $"/proc/{await command.ExecuteScalarAsync()}";
        // A backend of a server on another machine may share its pid with some process here: check that it is one.
        return File.Exists(Path.Combine(backend, "comm")) && File.ReadAllText(Path.Combine(backend, "comm")).Trim() == "postgres"
            ? Harness.ParentOf(backend)
            : null;
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
