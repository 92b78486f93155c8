using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Applies the embedded, forward-only, numbered Migrations/*.sql files the database has not seen, in
/// one transaction holding an advisory lock, so nodes starting together wait for each other instead of racing.</summary>
internal static class PostgresMigrator
{
    // Any constant works as long as every node uses the same one; advisory locks are per database.
    private const long LockKey = 0x43686f7275734d; // "ChorusM"

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await Pg.Command(connection, "SELECT pg_advisory_xact_lock(@key)", tx).With("@key", LockKey).ExecuteAsync(ct).ConfigureAwait(false);
                // Inside the lock: two concurrent CREATE ... IF NOT EXISTS can still collide on the catalog's unique index.
                await Pg.Command(connection,
                    "CREATE SCHEMA IF NOT EXISTS workflow; " +
                    "CREATE TABLE IF NOT EXISTS workflow.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
                    tx).ExecuteAsync(ct).ConfigureAwait(false);
                var applied = (await Pg.Command(connection, "SELECT version FROM workflow.schema_migrations", tx)
                    .ListAsync(r => r.GetInt32(0), ct).ConfigureAwait(false)).ToHashSet();
                foreach (var (version, name, sql) in Embedded().Where(m => !applied.Contains(m.Version)))
                {
                    await Pg.Command(connection, sql, tx).ExecuteAsync(ct).ConfigureAwait(false);
                    await Pg.Command(connection, "INSERT INTO workflow.schema_migrations (version, name, applied_at) VALUES (@v, @n, now())", tx)
                        .With("@v", version).With("@n", name).ExecuteAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    internal static IReadOnlyList<Migration> Embedded() => Migration.EmbeddedIn(typeof(PostgresMigrator).Assembly);
}
