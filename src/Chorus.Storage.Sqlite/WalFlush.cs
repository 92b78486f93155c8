using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Chorus.Storage.Sqlite;

/// <summary>Puts the engine's commits on disk apart from the commits themselves. With full durability the writer
/// connection commits with <c>synchronous=NORMAL</c>: its commit returns once the write-ahead log holds the
/// transaction, without waiting for the disk, and the committer calls <see cref="Flush"/> on a thread of its own
/// before it acknowledges anything of it. One flush of the log covers every commit before it, and the log is
/// replayed in order after a crash, so the committer goes on writing while the disk catches up. (SQLite itself
/// flushes the log before each checkpoint, so a checkpoint never copies a commit that is not yet on disk.)</summary>
internal sealed class WalFlush : IDisposable
{
    private readonly SafeFileHandle _log;

    private WalFlush(SafeFileHandle log) => _log = log;

    /// <summary>Lets <paramref name="writer"/> commit without flushing and opens its database's write-ahead log.</summary>
    public static async Task<WalFlush> StartAsync(SqliteConnection writer, string databasePath, CancellationToken ct)
    {
        // The log exists once the connection has read in WAL mode; it is never deleted while the writer is open.
        var log = File.OpenHandle(databasePath + "-wal", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            await using var pragma = writer.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=NORMAL";
            await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return new WalFlush(log);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>Blocks until every commit the writer made so far is on disk (fsync of the log).</summary>
    public void Flush() => RandomAccess.FlushToDisk(_log);

    public void Dispose() => _log.Dispose();
}
