using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>Which SQLite errors are the machine's state rather than a bug: they answer 503 and are retried.</summary>
internal static class SqliteFaults
{
    private const int Readonly = 8;   // SQLITE_READONLY: read-only file, directory or mount
    private const int IoError = 10;   // SQLITE_IOERR: the OS refused a read or write
    private const int Full = 13;      // SQLITE_FULL: no space left on the device
    private const int CantOpen = 14;  // SQLITE_CANTOPEN: the file (or its journal) cannot be opened

    public static StorageFault? Classify(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SqliteException sqlite)
            {
                return sqlite.SqliteErrorCode switch
                {
                    Full => StorageFault.Full,
                    Readonly => StorageFault.ReadOnly,
                    IoError or CantOpen => StorageFault.Unavailable,
                    _ => null,
                };
            }
        }
        return null;
    }
}
