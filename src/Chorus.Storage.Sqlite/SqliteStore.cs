using System.Data.Common;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode. The engine's writes all go through one
/// connection (SQLite has one writer anyway); API reads use pooled connections that WAL lets run beside it.</summary>
public sealed class SqliteStore : RelationalStore, IChorusStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly bool _fullSync;
    private readonly WriterBuffers _writerBuffers;
    private readonly WalFlush? _walFlush;

    private SqliteStore(string connectionString, SqliteConnection writer, bool fullSync, long lastEventId, WalCheckpointer checkpointer, WalFlush? walFlush)
        : base(SqliteDialect.Statements)
    {
        _connectionString = connectionString;
        _writer = writer;
        _fullSync = fullSync;
        _writerBuffers = new WriterBuffers(writer, lastEventId, checkpointer);
        _walFlush = walFlush;
    }

    public string Path { get; private init; } = "";

    /// <summary>The single writer connection, for the benchmark's statement trace (bench/Chorus.Benchmarks --stats).</summary>
    internal SqliteConnection Writer => _writer;

    /// <summary>Checkpoints made off the writer's thread (for tests).</summary>
    internal int BackgroundCheckpoints => _writerBuffers.Checkpointer.Checkpoints;

    /// <summary>Opens (creating if needed) and migrates the database file.</summary>
    /// <param name="fullSync">synchronous=FULL: every commit reaches the disk before it is acknowledged. Turning
    /// it off (NORMAL) keeps the database consistent but may lose the last commits on power loss.</param>
    public static async Task<SqliteStore> OpenAsync(string path, bool fullSync = true, CancellationToken ct = default)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync(ct).ConfigureAwait(false);
        await UseIncrementalVacuum(writer, ct).ConfigureAwait(false);
        await Configure(writer, fullSync, ct).ConfigureAwait(false);
        await SqliteMigrator.MigrateAsync(writer, ct).ConfigureAwait(false);
        await using var lastEvent = writer.CreateCommand();
        lastEvent.CommandText = "SELECT COALESCE(MAX(id), 0) FROM events";
        var lastEventId = (long)(await lastEvent.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        var checkpointing = new SqliteConnection(connectionString);
        await checkpointing.OpenAsync(ct).ConfigureAwait(false);
        await Configure(checkpointing, fullSync, ct).ConfigureAwait(false);
        var checkpointer = await WalCheckpointer.StartAsync(writer, checkpointing, ct).ConfigureAwait(false);
        var walFlush = fullSync ? await WalFlush.StartAsync(writer, path, ct).ConfigureAwait(false) : null;
        return new SqliteStore(connectionString, writer, fullSync, lastEventId, checkpointer, walFlush) { Path = path };
    }

    /// <summary>Lets pruning shrink the file (<c>PRAGMA incremental_vacuum</c> after each batch). It takes effect
    /// only on a file with no table yet, so it is set before the first migration: a file created by an older
    /// version keeps its mode, reusing the pages pruning frees but never shrinking, until an operator runs
    /// <c>PRAGMA auto_vacuum = INCREMENTAL; VACUUM;</c> once with the server stopped (a VACUUM rewrites the whole
    /// file and needs as much free disk again, which no server should do unasked at start).</summary>
    private static async Task UseIncrementalVacuum(SqliteConnection connection, CancellationToken ct)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA auto_vacuum = INCREMENTAL";
        await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task Configure(SqliteConnection connection, bool fullSync, CancellationToken ct)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(fullSync ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF;";
        await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A pooled connection: WAL lets reads run beside the writer.</summary>
    internal override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await Configure(connection, _fullSync, ct).ConfigureAwait(false);
        return connection;
    }

    /// <summary>The embedded store has one process, and in it one writer connection; with full durability its
    /// commits reach the disk through <see cref="SyncCommits"/>.</summary>
    public StoreCapabilities Capabilities => _walFlush is null ? StoreCapabilities.SingleProcess : DeferredSync;

    private static readonly StoreCapabilities DeferredSync = StoreCapabilities.SingleProcess with { CommitsSyncedLater = true };

    public void SyncCommits() => _walFlush?.Flush();

    public async Task<IEngineTransaction> BeginAsync(CancellationToken ct)
    {
        var tx = (SqliteTransaction)await _writer.BeginTransactionAsync(ct).ConfigureAwait(false);
        return new SqliteEngineTransaction(tx, _writerBuffers);
    }

    public StorageFault? ClassifyFault(Exception ex) => SqliteFaults.Classify(ex);

    public async ValueTask DisposeAsync()
    {
        await _writerBuffers.Checkpointer.DisposeAsync().ConfigureAwait(false);
        _writerBuffers.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
        _walFlush?.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
