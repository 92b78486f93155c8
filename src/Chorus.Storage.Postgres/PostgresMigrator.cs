using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Applies the embedded Migrations/*.sql files in one transaction holding an advisory lock, so nodes
/// starting together wait for each other instead of racing.</summary>
internal static class PostgresMigrator
{
    // Any constant works as long as every node uses the same one; advisory locks are per database.
    private const long LockKey = 0x43686f7275734d; // "ChorusM"

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, tx))
            await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        // Inside the lock: two concurrent CREATE ... IF NOT EXISTS can still collide on the catalog's unique index.
        await using (var create = new NpgsqlCommand("CREATE SCHEMA IF NOT EXISTS workflow; CREATE TABLE IF NOT EXISTS workflow.schema_migrations " +
            "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)", connection, tx))
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await RelationalMigrator.ApplyAsync(connection, tx, PostgresDialect.Statements, Embedded(), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    internal static IReadOnlyList<Migration> Embedded() => Migration.EmbeddedIn(typeof(PostgresMigrator).Assembly);
}
