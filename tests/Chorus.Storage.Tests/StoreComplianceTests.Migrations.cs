using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task Migration_ItsMovesAndRollback_RoundTripPerTenantAndWorkflow()
    {
        var workflowId = Guid.NewGuid();
        var migration = new MigrationRecord
        {
            Tenant = TenantA, Id = Guid.NewGuid(), WorkflowId = workflowId, ToVersion = 3,
            Mapping = new Dictionary<string, string> { ["old"] = "new" }, CreatedBy = "admin", CreatedAt = T0,
        };
        var move = new MigrationMove
        {
            Tenant = TenantA, MigrationId = migration.Id, ExecutionId = Guid.NewGuid(), FromVersion = 2,
            Renamed = new Dictionary<string, string> { ["old"] = "new" }, Progress = "new:Waiting:1", MovedAt = T0.AddSeconds(1),
        };
        await InTxAsync(async tx =>
        {
            await tx.InsertMigrationAsync(migration);
            await tx.InsertMigrationMoveAsync(move);
        });

        var (read, moves, otherTenant, listed) = await InTxAsync(async tx => (await tx.GetMigrationAsync(TenantA, migration.Id),
            await tx.GetMigrationMovesAsync(TenantA, migration.Id), await tx.GetMigrationAsync(TenantB, migration.Id),
            await tx.ListMigrationsAsync(TenantA, workflowId, 10)));
        Assert.Equal((workflowId, 3, "new", "admin", T0, (DateTimeOffset?)null),
            (read!.WorkflowId, read.ToVersion, read.Mapping["old"], read.CreatedBy, read.CreatedAt, read.RolledBackAt));
        var readMove = Assert.Single(moves);
        Assert.Equal((move.ExecutionId, 2, "new", "new:Waiting:1", T0.AddSeconds(1)),
            (readMove.ExecutionId, readMove.FromVersion, readMove.Renamed["old"], readMove.Progress, readMove.MovedAt));
        Assert.Null(otherTenant);
        Assert.Equal(migration.Id, Assert.Single(listed).Id);

        await InTxAsync(async tx =>
        {
            await tx.MarkMigrationRolledBackAsync(TenantA, migration.Id, T0.AddMinutes(1));
            await tx.MarkMoveRolledBackAsync(TenantA, migration.Id, move.ExecutionId, T0.AddMinutes(1));
        });
        var (after, movesAfter) = await InTxAsync(async tx => (await tx.GetMigrationAsync(TenantA, migration.Id), await tx.GetMigrationMovesAsync(TenantA, migration.Id)));
        Assert.Equal(T0.AddMinutes(1), after!.RolledBackAt);
        Assert.Equal(T0.AddMinutes(1), Assert.Single(movesAfter).RolledBackAt);
    }

    [Fact]
    public async Task MoveStatements_SetTheVersion_RenameOnlyTheExecutionsStepItems_AndCountLeasedItems()
    {
        var execution = Execution(TenantA);
        var other = Execution(TenantA);
        await InsertAsync(execution, other);
        await InsertItemAsync(Item(TenantA, execution.Id, T0, "old"));
        await InsertItemAsync(Item(TenantA, other.Id, T0.AddHours(1), "old"));
        await InsertItemAsync(Item(TenantA, execution.Id, T0.AddHours(1), "kept"));

        var leasedBefore = await InTxAsync(tx => tx.CountLeasedWorkItemsAsync(TenantA, execution.Id));
        await InTxAsync(async tx =>
        {
            await tx.SetExecutionVersionAsync(TenantA, execution.Id, 5);
            await tx.RenameWorkItemStepAsync(TenantA, execution.Id, "old", "new");
        });
        var claimed = await ClaimAsync("w1", T0);
        var leasedAfter = await InTxAsync(tx => tx.CountLeasedWorkItemsAsync(TenantA, execution.Id));
        var leasedOfOtherTenant = await InTxAsync(tx => tx.CountLeasedWorkItemsAsync(TenantB, execution.Id));

        Assert.Equal(0, leasedBefore);
        Assert.Equal("new", Assert.Single(claimed).StepId);
        Assert.Equal(1, leasedAfter);
        Assert.Equal(0, leasedOfOtherTenant);
        Assert.Equal(5, (await Store.GetExecutionAsync(TenantA, execution.Id, Ct))!.WorkflowVersion);
        Assert.Equal(1, (await Store.GetExecutionAsync(TenantA, other.Id, Ct))!.WorkflowVersion);
        // Two hours on, every item is due again (the first one's lease has run out): the other execution's kept its step.
        var later = await ClaimAsync("w1", T0.AddHours(2));
        Assert.Equal(["kept", "new"], later.Where(i => i.ExecutionId == execution.Id).Select(i => i.StepId).Order());
        Assert.Equal("old", Assert.Single(later, i => i.ExecutionId == other.Id).StepId);
    }
}
