using System.Globalization;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>Applies the embedded, forward-only, numbered Migrations/*.sql files that the database has not
/// seen, each in an immediate transaction so two processes starting together cannot both apply one.</summary>
internal static class SqliteMigrator
{
    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        foreach (var (version, name, sql) in Embedded())
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct).ConfigureAwait(false);
            await using var check = connection.CreateCommand();
            check.Transaction = tx;
            check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
            check.Parameters.AddWithValue("$v", version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
                continue;
            await using var apply = connection.CreateCommand();
            apply.Transaction = tx;
            apply.CommandText = sql;
            await apply.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var record = connection.CreateCommand();
            record.Transaction = tx;
            record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
            record.Parameters.AddWithValue("$v", version);
            record.Parameters.AddWithValue("$n", name);
            record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    internal static IReadOnlyList<Migration> Embedded() => Migration.EmbeddedIn(typeof(SqliteMigrator).Assembly);
}
