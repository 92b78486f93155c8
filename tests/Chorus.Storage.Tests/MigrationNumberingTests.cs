using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;
using Chorus.Storage.Sqlite;

namespace Chorus.Storage.Tests;

/// <summary>Migrations are applied by number: two files with one number would apply once on SQLite (the second
/// silently skipped) and fail on PostgreSQL. Work merged from parallel branches can add two; this catches it.</summary>
public sealed class MigrationNumberingTests
{
    [Fact]
    public void EmbeddedMigrations_OfEachStore_HaveDistinctNumbers()
    {
        foreach (var assembly in new[] { typeof(SqliteStore).Assembly, typeof(PostgresStore).Assembly })
        {
            var migrations = Migration.EmbeddedIn(assembly);
            Assert.NotEmpty(migrations);
            Assert.Equal(migrations.Count, migrations.Select(m => m.Version).Distinct().Count());
        }
    }
}
