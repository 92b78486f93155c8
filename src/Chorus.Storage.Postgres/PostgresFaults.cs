using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Which PostgreSQL errors are the server's state rather than a bug: they answer 503 and are retried.</summary>
internal static class PostgresFaults
{
    public static StorageFault? Classify(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState switch
                    {
                        "53100" => StorageFault.Full,                     // disk_full
                        "25006" => StorageFault.ReadOnly,                 // read_only_sql_transaction (a standby, default_transaction_read_only)
                        "53000" or "53200" or "53300" or "57P01" or "57P02" or "57P03" or "58030" => StorageFault.Unavailable,
                        var state when state.StartsWith("08", StringComparison.Ordinal) => StorageFault.Unavailable, // connection exceptions
                        _ => null,
                    };
                // Not an answer of the server: the connection could not be made or was lost.
                case NpgsqlException { IsTransient: true } when e.InnerException is not PostgresException:
                    return StorageFault.Unavailable;
            }
        }
        return null;
    }
}
