using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using SQLite;

namespace Chorus.Peers;

/// <summary>Hangfire (1.8, with Hangfire.PostgreSql or Hangfire.Storage.SQLite): one step is one background job. A
/// chain is its first job and nine continuations (<c>ContinueJobWith</c>), all created when the chain starts; when a
/// job succeeds, Hangfire moves the next one to the queue, and a worker (10 by default on 2 cores) fetches it.
/// What a step guarantees: its job and every state change (enqueued, processing, succeeded) are saved in the
/// store, and a job whose worker dies is fetched again after the invisibility timeout: at least once. Nothing
/// passes a step's output to the next step (a job's arguments are fixed when it is created), so the counter is
/// not carried: the tracker checks order and once-only runs from the step number alone.</summary>
internal sealed class HangfirePeer : IPeer
{
    // How often an idle worker asks SQLite for work (the package's default is 15 s, which no one measuring latency
    // would keep). On PostgreSQL a new job wakes the workers through LISTEN/NOTIFY (EnableLongPolling) and the
    // default 15 s is only the fallback: there, polling every 50 ms or 1 s instead was 2 to 3 times slower.
    private static readonly TimeSpan SqliteQueuePollInterval = TimeSpan.FromMilliseconds(50);

    private readonly JobStorage _storage;
    private readonly BackgroundJobClient _client;
    private readonly BackgroundJobServer _server;

    private HangfirePeer(JobStorage storage)
    {
        _storage = storage;
        _client = new BackgroundJobClient(storage);
        _server = new BackgroundJobServer(new BackgroundJobServerOptions(), storage);
    }

    public static Task<HangfirePeer> StartAsync(Store store, string location)
    {
        var configuration = GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        JobStorage storage = store == Store.Postgres
            ? configuration.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(location),
                new PostgreSqlStorageOptions { EnableLongPolling = true }).Entry
            : configuration.UseSQLiteStorage(new SQLiteDbConnectionFactory(() => OpenSqlite(location)),
                new SQLiteStorageOptions { QueuePollInterval = SqliteQueuePollInterval }).Entry;
        return Task.FromResult(new HangfirePeer(storage));
    }

    // The package's own connection settings (WAL is its default journal mode), plus synchronous=FULL: W3 measures
    // with full durability, as Chorus's SQLite store runs it.
    private static SQLiteConnection OpenSqlite(string path)
    {
        var connection = new SQLiteConnection(path, SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.NoMutex,
            storeDateTimeAsTicks: true) { BusyTimeout = TimeSpan.FromSeconds(10) };
        connection.Execute("PRAGMA synchronous = FULL");
        return connection;
    }

    public Task StartChainAsync(int chain)
    {
        var job = _client.Enqueue(() => HangfireSteps.Step(chain, 1));
        for (var step = 2; step <= BenchOptions.Steps; step++)
        {
            var next = step;
            job = _client.ContinueJobWith(job, () => HangfireSteps.Step(chain, next));
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        (_storage as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The job Hangfire runs for each step: a public static method, found by name when a worker runs it.</summary>
public static class HangfireSteps
{
    public static void Step(int chain, int step) => ChainTracker.Current.StepRan(chain, step, counter: step);
}
