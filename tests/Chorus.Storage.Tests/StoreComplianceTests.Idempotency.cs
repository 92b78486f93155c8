using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private static IdempotencyRecord Key(TenantId tenant, string key, Guid executionId, DateTimeOffset at, string hash = "h1") => new()
    {
        Tenant = tenant, Key = key, WorkflowId = Guid.Parse("0195a2b0-0000-7000-8000-000000000001"), RequestHash = hash,
        ExecutionId = executionId, CreatedAt = at,
    };

    [Fact]
    public async Task TryInsertIdempotencyKeyAsync_NewKey_IsWrittenAndReadBack()
    {
        var key = Key(TenantA, "order-1", Guid.NewGuid(), T0);

        Assert.True(await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(key, T0 - Day)));

        Assert.Equal(key, await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "order-1", T0 - Day)));
    }

    [Fact]
    public async Task TryInsertIdempotencyKeyAsync_KeyHeld_ReturnsFalseAndKeepsTheFirst()
    {
        var first = Key(TenantA, "order-1", Guid.NewGuid(), T0);
        await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(first, T0 - Day));

        var later = T0.AddMinutes(5);
        Assert.False(await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(Key(TenantA, "order-1", Guid.NewGuid(), later, "h2"), later - Day)));

        Assert.Equal(first, await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "order-1", later - Day)));
    }

    [Fact]
    public async Task TryInsertIdempotencyKeyAsync_SameKeyInAnotherTenant_IsItsOwn()
    {
        await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(Key(TenantA, "k", Guid.NewGuid(), T0), T0 - Day));

        Assert.True(await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(Key(TenantB, "k", Guid.NewGuid(), T0), T0 - Day)));
        Assert.Null(await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantB, "other", T0 - Day)));
    }

    [Fact]
    public async Task IdempotencyKey_OlderThanTheWindow_IsNotFoundAndIsReplaced()
    {
        await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(Key(TenantA, "k", Guid.NewGuid(), T0), T0 - Day));
        var dayLater = T0 + Day + TimeSpan.FromMilliseconds(1);

        Assert.Null(await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "k", dayLater - Day)));
        var fresh = Key(TenantA, "k", Guid.NewGuid(), dayLater, "h2");
        Assert.True(await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(fresh, dayLater - Day)));
        Assert.Equal(fresh, await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "k", dayLater - Day)));
    }

    [Fact]
    public async Task IdempotencyKey_WithItsExecutionInATransactionNeverCommitted_LeavesNeither()
    {
        // A crash before the commit: neither the execution nor its key exist, so the client's retry starts it.
        var execution = Execution(TenantA);
        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.InsertExecutionAsync(execution);
            await tx.TryInsertIdempotencyKeyAsync(Key(TenantA, "k", execution.Id, T0), T0 - Day);
        }

        Assert.Null(await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "k", T0 - Day)));
        Assert.Null(await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
    }

    [Fact]
    public async Task IdempotencyKey_AfterReopen_IsStillThere()
    {
        var key = Key(TenantA, "durable", Guid.NewGuid(), T0);
        await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(key, T0 - Day));

        await ReopenAsync();

        Assert.Equal(key, await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "durable", T0 - Day)));
    }

    [Fact]
    public async Task PruneIdempotencyKeysAsync_DeletesOnlyKeysOlderThanTheCutoff()
    {
        await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(Key(TenantA, "old", Guid.NewGuid(), T0), T0 - Day));
        await InTxAsync(tx => tx.TryInsertIdempotencyKeyAsync(Key(TenantB, "new", Guid.NewGuid(), T0.AddHours(2)), T0 - Day));

        Assert.Equal(1, await InTxAsync(tx => tx.PruneIdempotencyKeysAsync(T0.AddHours(1))));

        Assert.Null(await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantA, "old", DateTimeOffset.MinValue)));
        Assert.NotNull(await InTxAsync(tx => tx.GetIdempotencyKeyAsync(TenantB, "new", DateTimeOffset.MinValue)));
    }

    [Fact]
    public async Task ProbeWriteAsync_Twice_Commits()
    {
        await InTxAsync(async tx => { await tx.ProbeWriteAsync(T0); return true; });
        await InTxAsync(async tx => { await tx.ProbeWriteAsync(T0.AddSeconds(1)); return true; });
    }

    [Fact]
    public void ClassifyFault_AnErrorThatIsNotTheStorages_IsNone()
    {
        Assert.Null(Store.ClassifyFault(new InvalidOperationException("a bug")));
    }
}
