using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Events;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>The compliance suite on a fresh PostgreSQL database per test, plus what only a shared database has:
/// nodes migrating and claiming at the same time.</summary>
public sealed class PostgresStoreComplianceTests : StoreComplianceTests<PostgresStore>
{
    private readonly PostgresTestDatabase _databases = new();

    protected override async Task<PostgresStore> CreateStoreAsync() => await PostgresStore.OpenAsync(await _databases.CreateAsync());

    protected override Task<PostgresStore> OpenSameStoreAsync() => PostgresStore.OpenAsync(_databases.FirstUrl);

    protected override Task CleanUpAsync() => _databases.DropAllAsync();

    protected override async Task MakePayloadUnreadableAsync(long itemId) =>
        Assert.Equal(itemId, await PostgresTestDatabase.ScalarAsync(_databases.FirstUrl,
            $"UPDATE workflow.work_items SET payload = (repeat('[', 5000) || repeat(']', 5000))::jsonb WHERE id = {itemId} RETURNING id"));

    private static int EmbeddedMigrationCount =>
        typeof(PostgresStore).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));

    private static Task<long> MigrationRowsAsync(string url) => PostgresTestDatabase.ScalarAsync(url, "SELECT COUNT(*) FROM workflow.schema_migrations");

    [Fact]
    public async Task OpenAsync_AfterClose_DoesNotApplyTheSchemaAgain()
    {
        await ReopenAsync();
        await ReopenAsync();

        Assert.True(await Store.PingAsync(Ct));
        Assert.True(EmbeddedMigrationCount > 0);
        Assert.Equal(EmbeddedMigrationCount, await MigrationRowsAsync(_databases.FirstUrl));
    }

    [Fact]
    public async Task OpenAsync_FiveNodesOnOneEmptyDatabaseAtOnce_MigrateItExactlyOnce()
    {
        var url = await _databases.CreateAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostgresStore.OpenAsync(url)));
        try
        {
            var workflow = Workflow(TenantA, Guid.NewGuid());
            await stores[0].CreateWorkflowAsync(workflow, Version(TenantA, workflow.Id, 1), Ct);
            foreach (var store in stores)
                Assert.Equal(workflow, await store.GetWorkflowAsync(TenantA, workflow.Id, Ct));
            Assert.Equal(EmbeddedMigrationCount, await MigrationRowsAsync(url));
        }
        finally
        {
            foreach (var store in stores)
                await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Committer_OneOperationsWriteFailsOnlyAtTheCommit_TheOtherOperationOfItsBatchStillCommits()
    {
        // PostgreSQL refuses \u0000 in jsonb, and the step run reaches the server only with the commit, so the
        // error ends the whole batch's transaction: the committer must then commit each operation alone.
        using var stop = new CancellationTokenSource();
        var committer = new Committer(Store, new EventHub(), new EngineOptions { CommitLanes = 1 }, TimeProvider.System, NullLogger.Instance);
        var good = Execution(TenantA);
        var goodOp = committer.RunAsync(async s => { await s.InsertExecutionAsync(good); return true; });
        var badOp = committer.RunAsync(async s =>
        {
            await s.Tx.SaveStepRunAsync(StepRun(good.Id, "bad", 1, T0) with { Output = JsonValue.Create("nul \u0000 inside") });
            return true;
        });
        var loop = committer.RunLoopAsync(stop.Token);

        Assert.True(await goodOp);
        await Assert.ThrowsAnyAsync<PostgresException>(() => badOp);
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, good.Id, Ct));
        Assert.Empty(await Store.GetStepRunsAsync(TenantA, good.Id, Ct));
        committer.Complete();
        await loop;
    }

    [Fact]
    public async Task CountSlotHoldersAsync_WhileAnotherTransactionAdmits_WaitsAndCountsWhatItCommitted()
    {
        // Two commit lanes or two nodes admitting at once: the second count must see the first one's admission,
        // or both fill the last free slot.
        var first = await Store.BeginAsync(Ct);
        Task<SlotHolders> secondCount;
        await using (var second = await Store.BeginAsync(Ct))
        {
            await using (first)
            {
                Assert.Equal(new SlotHolders(0, 0), await first.CountSlotHoldersAsync(TenantA));
                await first.InsertExecutionAsync(Execution(TenantA));
                secondCount = second.CountSlotHoldersAsync(TenantA);
                await first.CommitAsync();
            }
            Assert.Equal(new SlotHolders(1, 1), await secondCount);
        }
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_OldestHeldByAnotherTransaction_ReturnsTheNextWithoutWaiting()
    {
        // Another node admitting (or cancelling) the oldest pending execution holds its row: this one takes the next.
        var oldest = Execution(TenantA, status: ExecutionStatus.Pending, createdAt: T0);
        var next = Execution(TenantB, status: ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        await InsertAsync(oldest, next);

        await using var first = await Store.BeginAsync(Ct);
        Assert.Equal(oldest.Id, (await first.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(10)))?.Id);
        await using var second = await Store.BeginAsync(Ct);
        var found = await second.GetOldestAdmissiblePendingAsync(TenantSlotCaps.Uniform(10)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(next.Id, found?.Id);
        Assert.Equal(ExecutionStatus.Pending, found?.Status);
    }

    [Fact]
    public async Task AdmitPending_AnotherNodeFilledTheTenantsShareMeanwhile_PassesItOverUnderTheLock()
    {
        // Admission chooses a pending execution before it holds the admission lock (so that ends with nothing
        // pending take no lock): another node may fill the chosen tenant's share in between. A holds one slot at most.
        var workflowOfA = Workflow(TenantA, Guid.NewGuid());
        var workflowOfB = Workflow(TenantB, Guid.NewGuid());
        await CreateWorkflowAsync(workflowOfA);
        await CreateWorkflowAsync(workflowOfB);
        var pendingOfA = Execution(TenantA, workflowOfA.Id, ExecutionStatus.Pending, createdAt: T0);
        var pendingOfB = Execution(TenantB, workflowOfB.Id, ExecutionStatus.Pending, createdAt: T0.AddMinutes(1));
        await InsertAsync(pendingOfA, pendingOfB);
        var options = new EngineOptions { MaxConcurrentWorkflows = 4, Limits = new ExecutionLimits { TenantSlotShare = 0.25 } };
        var commands = new ExecutionCommands(new GraphCache(), options, TimeProvider.System, new NoTenantQuotas());

        await using var otherNode = await Store.BeginAsync(Ct);
        await otherNode.CountSlotHoldersAsync(TenantA);
        await otherNode.InsertExecutionAsync(Execution(TenantA, status: ExecutionStatus.Running));
        await using var tx = await Store.BeginAsync(Ct);
        var admitting = commands.AdmitPendingOnStartupAsync(new CommitScope(tx, "node-2", TimeProvider.System, TimeSpan.FromSeconds(30)));
        var waited = Stopwatch.StartNew();
        while (await PostgresTestDatabase.ScalarAsync(_databases.FirstUrl, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0)
        {
            Assert.False(admitting.IsCompleted, "Admission did not wait for the admission lock.");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Admission never asked for the admission lock.");
            await Task.Delay(10);
        }
        await otherNode.CommitAsync();
        await admitting.WaitAsync(TimeSpan.FromSeconds(10));
        await tx.CommitAsync();

        Assert.Equal(ExecutionStatus.Pending, (await Store.GetExecutionAsync(TenantA, pendingOfA.Id, Ct))?.Status);
        Assert.Equal(ExecutionStatus.Running, (await Store.GetExecutionAsync(TenantB, pendingOfB.Id, Ct))?.Status);
    }

    [Fact]
    public async Task CountSlotHoldersAsync_ManyChanges_FoldsThemIntoOneRowPerTenant()
    {
        // Each execution that starts and ends appends two changes; admission folds them so a count stays cheap.
        var executions = Enumerable.Range(0, PostgresEngineTransaction.UnfoldedChangesAllowed + 50)
            .Select(i => Execution(i % 2 == 0 ? TenantA : TenantB, status: ExecutionStatus.Running)).ToArray();
        await InsertAsync(executions);
        foreach (var execution in executions.Skip(10))
        {
            execution.Status = ExecutionStatus.Completed;
            await InTxAsync(tx => tx.UpdateExecutionAsync(execution));
        }
        Assert.True(await CountChangeRowsAsync() > PostgresEngineTransaction.UnfoldedChangesAllowed);

        Assert.Equal(new SlotHolders(10, 5), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantA)));

        Assert.Equal(2, await CountChangeRowsAsync());
        Assert.Equal(new SlotHolders(10, 5), await InTxAsync(tx => tx.CountSlotHoldersAsync(TenantB)));
    }

    private async Task<long> CountChangeRowsAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(_databases.FirstUrl) + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM workflow.slot_holder_changes", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task GetOldestAdmissiblePendingAsync_UsesThePendingIndexes()
    {
        var plan = await ExplainAsync(PostgresEngineTransaction.OldestAdmissiblePendingSql
            .Replace("@caps", "'{}'", StringComparison.Ordinal).Replace("@cap", "2", StringComparison.Ordinal).Replace("@skipped", "'{}'::uuid[]", StringComparison.Ordinal));

        Assert.Contains("ix_instances_pending ", plan);
        Assert.Contains("ix_instances_pending_by_tenant", plan);
        Assert.Contains("slot_holder_changes", plan);
    }

    private async Task<string> ExplainAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(_databases.FirstUrl) + ";Pooling=false");
        await connection.OpenAsync();
        await using var off = new NpgsqlCommand("SET enable_seqscan = off", connection);
        await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        await using var reader = await explain.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task ClaimAsync_TwoOpenTransactions_SkipEachOthersItemsWithoutWaiting()
    {
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
            ids.Add(await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0.AddSeconds(-i))));

        await using var first = await Store.BeginAsync(Ct);
        var firstClaim = await first.ClaimAsync("node-1", 4, T0, TimeSpan.FromSeconds(30));
        await using var second = await Store.BeginAsync(Ct);
        // Without SKIP LOCKED this claim would block on the first transaction's row locks until the timeout.
        var secondClaim = await second.ClaimAsync("node-2", 10, T0, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(10));
        await first.CommitAsync();
        await second.CommitAsync();

        Assert.Equal(4, firstClaim.Count);
        Assert.Equal(6, secondClaim.Count);
        Assert.Empty(firstClaim.Select(i => i.Id).Intersect(secondClaim.Select(i => i.Id)));
        Assert.Equal(ids.Order(), firstClaim.Concat(secondClaim).Select(i => i.Id).Order());
    }

    [Fact]
    public async Task ClaimAsync_ManyNodesRacing_NeverLeaseOneItemTwice()
    {
        for (var i = 0; i < 200; i++)
            await InsertItemAsync(Item(TenantA, Guid.NewGuid(), T0.AddMilliseconds(-i)));

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenSameStoreAsync()));
        try
        {
            var claims = await Task.WhenAll(stores.Select(async (store, node) =>
            {
                var mine = new List<WorkItem>();
                while (true)
                {
                    await using var tx = await store.BeginAsync(Ct);
                    var batch = await tx.ClaimAsync($"node-{node}", 7, T0, TimeSpan.FromMinutes(5));
                    await tx.CommitAsync();
                    if (batch.Count == 0)
                        return mine;
                    mine.AddRange(batch);
                }
            }));

            var all = claims.SelectMany(c => c).Select(i => i.Id).ToList();
            Assert.Equal(200, all.Count);
            Assert.Equal(200, all.Distinct().Count());
        }
        finally
        {
            foreach (var store in stores)
                await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetExecutionAsync_InTransaction_LocksTheRowUntilTheHolderCommits()
    {
        var execution = Execution(TenantA);
        await InsertAsync(execution);

        await using var first = await Store.BeginAsync(Ct);
        var held = await first.GetExecutionAsync(TenantA, execution.Id);
        await using var second = await Store.BeginAsync(Ct);
        var waiting = second.GetExecutionAsync(TenantA, execution.Id);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the second reader should wait for the row lock");

        held!.Status = ExecutionStatus.Completed;
        await first.UpdateExecutionAsync(held);
        await first.CommitAsync();

        Assert.Equal(ExecutionStatus.Completed, (await waiting.WaitAsync(TimeSpan.FromSeconds(10)))?.Status);
    }

    [Fact]
    public async Task GetVersionAsync_Definition_ComesBackAsTheAuthorWroteItKeyOrderIncluded()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        var version = Version(TenantA, workflow.Id, 1) with
        {
            Definition = System.Text.Json.Nodes.JsonNode.Parse("""{"zeta": 1, "steps": [], "alpha": {"b": 2, "a": 1}, "name": "x"}""")!.AsObject(),
        };

        await Store.CreateWorkflowAsync(workflow, version, Ct);

        Assert.Equal(version.Definition.ToJsonString(), (await Store.GetVersionAsync(TenantA, workflow.Id, 1, Ct))?.Definition.ToJsonString());
    }

    [Fact]
    public async Task TryInsertIdempotencyKeyAsync_WhileAnotherTransactionHoldsTheKey_WaitsAndFindsItTaken()
    {
        // Two nodes starting with one key at once: the second insert must wait for the first's commit and then
        // see the key taken, or both would start an execution.
        var key = new IdempotencyRecord
        {
            Tenant = TenantA, Key = "race", WorkflowId = Guid.NewGuid(), RequestHash = "h", ExecutionId = Guid.NewGuid(), CreatedAt = T0,
        };
        await using var other = await OpenSameStoreAsync();
        await using var first = await Store.BeginAsync(Ct);
        Assert.True(await first.TryInsertIdempotencyKeyAsync(key, T0.AddDays(-1)));
        await using var second = await other.BeginAsync(Ct);
        var secondInsert = second.TryInsertIdempotencyKeyAsync(key with { ExecutionId = Guid.NewGuid() }, T0.AddDays(-1));
        await Task.Delay(300);
        Assert.False(secondInsert.IsCompleted, "the second insert should wait for the first transaction");

        await first.CommitAsync();

        Assert.False(await secondInsert.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(key.ExecutionId, (await second.GetIdempotencyKeyAsync(TenantA, "race", T0.AddDays(-1)))?.ExecutionId);
    }

    [Fact]
    public void ClassifyFault_DiskFullAndReadOnlyTransaction_AreStorageFaults()
    {
        Assert.Equal(StorageFault.Full, Store.ClassifyFault(new PostgresException("could not extend file", "ERROR", "ERROR", "53100")));
        Assert.Equal(StorageFault.ReadOnly, Store.ClassifyFault(new PostgresException("read-only", "ERROR", "ERROR", "25006")));
        Assert.Null(Store.ClassifyFault(new PostgresException("unique", "ERROR", "ERROR", "23505")));
    }
}
