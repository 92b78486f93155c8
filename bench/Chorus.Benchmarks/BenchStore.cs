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

    private BenchStore(IChorusStore store, Func<ValueTask> cleanUp)
    {
        Store = store;
        _cleanUp = cleanUp;
    }

    public IChorusStore Store { get; }

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
        var postgres = await PostgresStore.OpenAsync(admin[..admin.LastIndexOf('/')] + "/" + database);
        return new BenchStore(postgres, () => new ValueTask(RunAsync(admin, $"DROP DATABASE {database} WITH (FORCE)")));
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
