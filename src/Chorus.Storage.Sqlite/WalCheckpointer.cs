using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Chorus.Storage.Sqlite;

/// <summary>Copies the write-ahead log into the database file on a connection and a thread of its own, so that the one
/// writer spends its time committing: checkpointing inside its commits took about a tenth of the durable step
/// throughput (reading back the log's frames, writing them to the file, two fsyncs). The writer keeps a bound of its
/// own (<see cref="WriterBoundPages"/>): it checkpoints itself when the log reaches it. That is also what lets the log
/// start again from its beginning: SQLite restarts the log only once a checkpoint has copied every frame, and under
/// steady writes only the writer, between two of its commits, can copy the last of them. By then this one has copied
/// nearly all, so the writer's checkpoint is short.</summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>How many pages the writer lets the log hold before it checkpoints itself (SQLite's own default is
    /// 1,000): 32 MB of log at 4 KB pages.</summary>
    public const int WriterBoundPages = 8000;

    /// <summary>How many new pages in the log wake this checkpointer. Measured on W3 (bench/Chorus.Benchmarks): every
    /// 500 pages was slower than no background checkpoints at all (its fsyncs queue with the writer's), every 2,000 or
    /// 4,000 about a tenth faster.</summary>
    internal const int PagesPerCheckpoint = 2000;

    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _pagesSeen;
    private long _pagesPending;

    private WalCheckpointer(SqliteConnection writer, SqliteConnection connection)
    {
        _writer = writer;
        _connection = connection;
        _loop = Task.Run(RunAsync);
    }

    private int _checkpoints;

    /// <summary>Checkpoints this checkpointer completed (for tests).</summary>
    internal int Checkpoints => Volatile.Read(ref _checkpoints);

    public static async Task<WalCheckpointer> StartAsync(SqliteConnection writer, SqliteConnection connection, CancellationToken ct)
    {
        await using (var pragma = writer.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA wal_autocheckpoint = {WriterBoundPages}";
            await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return new WalCheckpointer(writer, connection);
    }

    /// <summary>Called by the writer after each commit: counts the pages it has appended to the log since the last
    /// call and wakes the checkpointer once enough are waiting.</summary>
    public void Committed()
    {
        // The connection's count of pages written; a benchmark may reset it (bench/Chorus.Benchmarks --stats).
        raw.sqlite3_db_status(_writer.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 0);
        _pagesPending += written >= _pagesSeen ? written - _pagesSeen : written;
        _pagesSeen = written;
        if (_pagesPending < PagesPerCheckpoint)
            return;
        _pagesPending = 0;
        if (_due.CurrentCount == 0)
            _due.Release();
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await _due.WaitAsync(_stop.Token).ConfigureAwait(false);
                Checkpoint();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Checkpoint()
    {
        // PASSIVE: copies what no reader still needs and never waits for the writer or for readers. A busy answer
        // (the writer checkpointing at its bound) or a failure is left to the next wake-up or the writer's bound.
        if (raw.sqlite3_wal_checkpoint_v2(_connection.Handle, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _) == raw.SQLITE_OK)
            Interlocked.Increment(ref _checkpoints);
    }

    private int _disposed;

    /// <summary>Stops the checkpointer; a second call (a host and its owner both disposing the store) does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _due.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
