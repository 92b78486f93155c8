using Chorus.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Tests.Sqlite;

/// <summary>The compliance suite on a fresh SQLite file per test, plus what only SQLite has: its migration table.</summary>
public sealed class SqliteStoreComplianceTests : StoreComplianceTests<SqliteStore>
{
    private readonly List<string> _paths = [];

    private string NewPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-store-{Guid.NewGuid():N}.db");
        _paths.Add(path);
        return path;
    }

    protected override Task<SqliteStore> CreateStoreAsync() => SqliteStore.OpenAsync(NewPath());

    protected override Task<SqliteStore> OpenSameStoreAsync() => SqliteStore.OpenAsync(_paths[0]);

    protected override Task CleanUpAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var path in _paths)
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
                File.Delete(file);
        return Task.CompletedTask;
    }

    protected override async Task MakePayloadUnreadableAsync(long itemId)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _paths[0], Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE work_items SET payload = '{\"output\": ' WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", itemId);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    private static int EmbeddedMigrationCount =>
        typeof(SqliteStore).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));

    private static async Task<long> MigrationRowsAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM schema_migrations";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task PruningWithCompaction_ShrinksTheFile()
    {
        var big = new System.Text.Json.Nodes.JsonObject { ["blob"] = new string('x', 4000) };
        var ids = new List<Guid>();
        await InTxAsync(async tx =>
        {
            for (var i = 0; i < 400; i++)
            {
                var e = Execution(TenantA, status: Chorus.Engine.Storage.ExecutionStatus.Completed);
                e.CompletedAt = T0;
                ids.Add(e.Id);
                await tx.InsertExecutionAsync(e);
                await tx.SaveStepRunAsync(new Chorus.Engine.Storage.StepRunRecord
                {
                    Tenant = TenantA, ExecutionId = e.Id, StepId = "a", StepName = "A", StepType = "action", Attempt = 1,
                    Status = "completed", Output = big.DeepClone(), StartedAt = T0,
                });
            }
        });
        await ReopenAsync(); // closing checkpoints the WAL into the file
        var before = new FileInfo(_paths[0]).Length;

        Assert.Equal(400, await InTxAsync(tx => tx.PruneExecutionsAsync(TenantA, T0.AddDays(1), 1000)));
        await InTxAsync(tx => tx.CompactAsync(100_000));
        await ReopenAsync();

        var after = new FileInfo(_paths[0]).Length;
        Assert.True(after < before / 4, $"The file should shrink: {before} bytes before pruning, {after} after.");
    }

    [Fact]
    public async Task AdmissionQueries_UseThePartialIndexesTheyName()
    {
        // INDEXED BY makes SQLite refuse a query whose index is missing or does not fit its condition.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _paths[0], Pooling = false }.ToString());
        await connection.OpenAsync();

        var count = await PlanAsync(connection, SqliteEngineTransaction.CountSlotHoldersSql);
        var oldest = await PlanAsync(connection, SqliteEngineTransaction.OldestAdmissiblePendingSql);

        // The counts read the per-tenant counts the triggers keep, never the executions.
        Assert.Contains("slot_holders", count);
        Assert.DoesNotContain("executions", count);
        Assert.Contains("ix_executions_pending", oldest);
        Assert.Contains("ix_executions_pending_by_tenant", oldest);
        Assert.Contains("SCAN slot_holders", oldest);
    }

    private static async Task<string> PlanAsync(SqliteConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        cmd.Parameters.AddWithValue("$tenant", "tenant-a");
        cmd.Parameters.AddWithValue("$cap", 2);
        cmd.Parameters.AddWithValue("$caps", "{}");
        await using var reader = await cmd.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task OpenAsync_SameFileTwiceSequentially_BothWorkAndSchemaIsAppliedOnce()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);

        await using (var second = await SqliteStore.OpenAsync(_paths[0]))
        {
            Assert.Equal(workflow, await second.GetWorkflowAsync(TenantA, workflow.Id, Ct));
            Assert.True(await second.PingAsync(Ct));
        }

        Assert.True(EmbeddedMigrationCount > 0);
        Assert.Equal(EmbeddedMigrationCount, await MigrationRowsAsync(_paths[0]));
    }

    [Fact]
    public async Task OpenAsync_AfterClose_DoesNotApplyTheSchemaAgain()
    {
        await ReopenAsync();
        await ReopenAsync();

        Assert.True(await Store.PingAsync(Ct));
        Assert.Equal(EmbeddedMigrationCount, await MigrationRowsAsync(_paths[0]));
    }

    [Fact]
    public async Task OpenAsync_SameFileConcurrently_BothWorkAndSchemaIsAppliedOnce()
    {
        for (var round = 0; round < 5; round++)
        {
            var path = NewPath();
            var stores = await Task.WhenAll(SqliteStore.OpenAsync(path), SqliteStore.OpenAsync(path));
            try
            {
                var workflow = Workflow(TenantA, Guid.NewGuid());
                await stores[0].CreateWorkflowAsync(workflow, Version(TenantA, workflow.Id, 1), Ct);
                Assert.Equal(workflow, await stores[1].GetWorkflowAsync(TenantA, workflow.Id, Ct));
                Assert.Equal(EmbeddedMigrationCount, await MigrationRowsAsync(path));
            }
            finally
            {
                foreach (var store in stores)
                    await store.DisposeAsync();
            }
        }
    }
}
