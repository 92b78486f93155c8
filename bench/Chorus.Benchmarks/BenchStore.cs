using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;
using Chorus.Storage.Sqlite;
using Npgsql;

namespace Chorus.Benchmarks;

internal enum StoreKind { Sqlite, Postgres }

/// <summary>A fresh, empty store per run, removed afterwards: a temp SQLite file, or a new database on the
/// PostgreSQL server named by CHORUS_BENCH_POSTGRES (default: the one scripts/start-postgres.sh starts).</summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _cleanUp;

    private readonly Func<Task<IChorusStore>>? _openAnother;
    private readonly List<IChorusStore> _others = [];

    private BenchStore(IChorusStore store, Func<ValueTask> cleanUp, Func<Task<IChorusStore>>? openAnother = null)
    {
        Store = store;
        _cleanUp = cleanUp;
        _openAnother = openAnother;
    }

    public IChorusStore Store { get; }

    /// <summary>Another connection to the same data, for another node; only a shared store has one.</summary>
    public async Task<IChorusStore> OpenAnotherAsync()
    {
        var store = await (_openAnother ?? throw new InvalidOperationException("The embedded store has one node."))();
        _others.Add(store);
        return store;
    }

    public static async Task<BenchStore> OpenAsync(StoreKind kind, bool fullSync)
    {
        if (kind == StoreKind.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "chorus-bench-" + Guid.NewGuid().ToString("N"));
            var sqlite = await SqliteStore.OpenAsync(Path.Combine(directory, "bench.db"), fullSync);
            return new BenchStore(sqlite, () => { Directory.Delete(directory, recursive: true); return ValueTask.CompletedTask; });
        }
        var admin = Environment.GetEnvironmentVariable("CHORUS_BENCH_POSTGRES") ?? "postgres://postgres@127.0.0.1:55432/postgres";
        var database = "chorus_bench_" + Guid.NewGuid().ToString("N");
        await RunAsync(admin, $"CREATE DATABASE {database}");
        var url = admin[..admin.LastIndexOf('/')] + "/" + database;
        var postgres = await PostgresStore.OpenAsync(url);
        return new BenchStore(postgres, () => new ValueTask(RunAsync(admin, $"DROP DATABASE {database} WITH (FORCE)")),
            async () => await PostgresStore.OpenAsync(url));
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
        foreach (var other in _others)
            await other.DisposeAsync();
        await Store.DisposeAsync();
        await _cleanUp();
    }
}
