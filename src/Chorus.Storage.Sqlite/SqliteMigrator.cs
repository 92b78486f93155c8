using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>Applies the embedded Migrations/*.sql files, each in an immediate transaction so two processes
/// starting together cannot both apply one.</summary>
internal static class SqliteMigrator
{
    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        foreach (var migration in Embedded())
        {
            await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct).ConfigureAwait(false);
            await RelationalMigrator.ApplyAsync(connection, tx, SqliteDialect.Statements, [migration], ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    internal static IReadOnlyList<Migration> Embedded() => Migration.EmbeddedIn(typeof(SqliteMigrator).Assembly);
}
