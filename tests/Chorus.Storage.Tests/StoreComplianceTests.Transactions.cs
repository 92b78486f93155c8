using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task CommitAsync_Writes_ArePersisted()
    {
        var execution = Execution(TenantA);

        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.InsertExecutionAsync(execution);
            await tx.InsertWorkItemAsync(Item(TenantA, execution.Id, T0));
            await tx.CommitAsync();
        }

        Assert.NotNull(await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
        Assert.Equal([execution.Id], (await ClaimAsync("w", T0)).Select(i => i.ExecutionId));
    }

    [Fact]
    public async Task BeginAsync_UncommittedWrites_AreVisibleInsideTheTransaction()
    {
        var execution = Execution(TenantA);
        await using var tx = await Store.BeginAsync(Ct);

        await tx.InsertExecutionAsync(execution);

        Assert.NotNull(await tx.GetExecutionAsync(TenantA, execution.Id));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_PersistsNothing()
    {
        var execution = Execution(TenantA);

        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.InsertExecutionAsync(execution);
            await tx.InsertWorkItemAsync(Item(TenantA, execution.Id, T0));
            await tx.InsertLogAsync(Log(execution.Id, "lost", T0));
        }

        Assert.Null(await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
        Assert.Empty(await Store.GetLogsAsync(TenantA, execution.Id, Ct));
        Assert.Empty(await ClaimAsync("w", T0));
    }

    [Fact]
    public async Task RollbackToSavepointAsync_UndoesOnlyWritesAfterTheSavepoint()
    {
        var (before, undone, after) = (Execution(TenantA), Execution(TenantA), Execution(TenantA));

        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.InsertExecutionAsync(before);
            await tx.SavepointAsync("op1");
            await tx.InsertExecutionAsync(undone);
            await tx.InsertWorkItemAsync(Item(TenantA, undone.Id, T0));
            await tx.RollbackToSavepointAsync("op1");
            await tx.ReleaseSavepointAsync("op1");
            await tx.SavepointAsync("op2");
            await tx.InsertExecutionAsync(after);
            await tx.ReleaseSavepointAsync("op2");
            await tx.CommitAsync();
        }

        Assert.NotNull(await Store.GetExecutionAsync(TenantA, before.Id, Ct));
        Assert.Null(await Store.GetExecutionAsync(TenantA, undone.Id, Ct));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, after.Id, Ct));
        Assert.Empty(await ClaimAsync("w", T0));
    }

    [Fact]
    public async Task RollbackToSavepointAsync_StepRunsAndLogsAfterIt_AreNotWritten()
    {
        var execution = Guid.NewGuid();

        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.SaveStepRunAsync(StepRun(execution, "kept", 1, T0));
            await tx.InsertLogAsync(Log(execution, "kept", T0));
            await tx.SavepointAsync("op1");
            await tx.SaveStepRunAsync(StepRun(execution, "undone", 1, T0));
            await tx.InsertLogAsync(Log(execution, "undone", T0));
            await tx.RollbackToSavepointAsync("op1");
            await tx.ReleaseSavepointAsync("op1");
            await tx.CommitAsync();
        }

        Assert.Equal(["kept"], (await Store.GetStepRunsAsync(TenantA, execution, Ct)).Select(r => r.StepId));
        Assert.Equal(["kept"], (await Store.GetLogsAsync(TenantA, execution, Ct)).Select(l => l.Message));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_LeavesNothingForTheNextTransaction()
    {
        var execution = Guid.NewGuid();
        await using (var abandoned = await Store.BeginAsync(Ct))
        {
            await abandoned.SaveStepRunAsync(StepRun(execution, "lost", 1, T0));
            await abandoned.InsertLogAsync(Log(execution, "lost", T0));
        }

        await InTxAsync(tx => tx.InsertLogAsync(Log(execution, "next", T0)));

        Assert.Empty(await Store.GetStepRunsAsync(TenantA, execution, Ct));
        Assert.Equal(["next"], (await Store.GetLogsAsync(TenantA, execution, Ct)).Select(l => l.Message));
    }

    [Fact]
    public async Task InsertEventAsync_AfterReopen_IdsKeepIncreasing()
    {
        EventRecord Event() => new() { Tenant = TenantA, Type = "t", Payload = new JsonObject(), At = T0 };
        var before = await InTxAsync(tx => tx.InsertEventAsync(Event()));

        await ReopenAsync();
        var after = await InTxAsync(tx => tx.InsertEventAsync(Event()));

        Assert.True(after > before, $"ids {before} then {after}");
    }

    [Fact]
    public async Task ReopenAsync_CommittedData_SurvivesClosingTheStore()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);
        var execution = Execution(TenantA, workflow.Id);
        await InTxAsync(async tx =>
        {
            await tx.InsertExecutionAsync(execution);
            await tx.InsertWorkItemAsync(Item(TenantA, execution.Id, T0));
            await tx.SaveStepRunAsync(StepRun(execution.Id, "a", 1, T0));
        });

        await ReopenAsync();

        Assert.Equal(workflow, await Store.GetWorkflowAsync(TenantA, workflow.Id, Ct));
        Assert.NotNull(await Store.GetVersionAsync(TenantA, workflow.Id, 1, Ct));
        Assert.NotNull(await Store.GetExecutionAsync(TenantA, execution.Id, Ct));
        Assert.Single(await Store.GetStepRunsAsync(TenantA, execution.Id, Ct));
        Assert.Equal([execution.Id], (await ClaimAsync("w", T0)).Select(i => i.ExecutionId));
    }
}
