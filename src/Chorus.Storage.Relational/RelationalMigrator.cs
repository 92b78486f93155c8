using System.Data.Common;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Applies a store's embedded, forward-only, numbered Migrations/*.sql files that the database has not
/// seen, and records each. The store decides the transactions and locks around it, so that two processes
/// starting together cannot both apply one migration.</summary>
internal static class RelationalMigrator
{
    public static async Task ApplyAsync(DbConnection connection, DbTransaction tx, StoreSql sql, IEnumerable<Migration> migrations, CancellationToken ct)
    {
        var applied = new HashSet<int>();
        await using (var read = new Statement($"SELECT version FROM {sql.SchemaMigrations}").ToCommand(connection, sql.Dialect, tx))
        await using (var r = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                applied.Add(r.Int("version"));
        }
        foreach (var (version, name, text) in migrations.Where(m => !applied.Contains(m.Version)))
        {
            await using var apply = new Statement(text).ToCommand(connection, sql.Dialect, tx);
            await apply.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var record = new Statement(sql.Dialect.Sql($"INSERT INTO {sql.SchemaMigrations} (version, name, applied_at) VALUES (@v, @n, @t)"))
                .With("@v", version).With("@n", name).With("@t", DateTimeOffset.UtcNow).ToCommand(connection, sql.Dialect, tx);
            await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
