using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    [Fact]
    public async Task CreateWorkflowAsync_ThenGet_RoundTripsAllFields()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);

        Assert.Equal(workflow, await Store.GetWorkflowAsync(TenantA, workflow.Id, Ct));
    }

    [Fact]
    public async Task CreateWorkflowAsync_FirstVersion_IsReadable()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        var expected = Version(TenantA, workflow.Id, 1) with { CreatedBy = "ada@example.com" };
        await Store.CreateWorkflowAsync(workflow, expected, Ct);

        var version = await Store.GetVersionAsync(TenantA, workflow.Id, 1, Ct);

        Assert.NotNull(version);
        Assert.Equal((expected.Tenant, expected.WorkflowId, expected.Number, expected.Label, expected.Hash, expected.CreatedAt, expected.CreatedBy),
            (version.Tenant, version.WorkflowId, version.Number, version.Label, version.Hash, version.CreatedAt, version.CreatedBy));
        AssertJson(expected.Definition, version.Definition);
        Assert.Null(await Store.GetVersionAsync(TenantA, workflow.Id, 2, Ct));
    }

    [Fact]
    public async Task CreateWorkflowAsync_IdTakenEvenByADeletedWorkflow_ReturnsFalseAndWritesNothing()
    {
        var live = Workflow(TenantA, Guid.NewGuid());
        var deleted = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(live);
        await CreateWorkflowAsync(deleted);
        await Store.DeleteWorkflowAsync(TenantA, deleted.Id, Ct);

        var overLive = await Store.CreateWorkflowAsync(live with { Name = "impostor" }, Version(TenantA, live.Id, 1), Ct);
        var overDeleted = await Store.CreateWorkflowAsync(deleted with { Name = "revived" }, Version(TenantA, deleted.Id, 1), Ct);
        var otherTenant = await Store.CreateWorkflowAsync(live with { Tenant = TenantB }, Version(TenantB, live.Id, 1), Ct);

        Assert.False(overLive);
        Assert.False(overDeleted);
        Assert.True(otherTenant);
        Assert.Equal(live, await Store.GetWorkflowAsync(TenantA, live.Id, Ct));
        Assert.Null(await Store.GetWorkflowAsync(TenantA, deleted.Id, Ct));
    }

    [Fact]
    public async Task GetWorkflowAsync_UnknownId_ReturnsNull() =>
        Assert.Null(await Store.GetWorkflowAsync(TenantA, Guid.NewGuid(), Ct));

    [Fact]
    public async Task ListWorkflowsAsync_Paging_ReturnsNewestFirstWithTotal()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var workflow = Workflow(TenantA, Guid.NewGuid(), $"wf{i}", T0.AddMinutes(i));
            ids.Add(workflow.Id);
            await CreateWorkflowAsync(workflow);
        }

        var first = await Store.ListWorkflowsAsync(TenantA, 0, 2, Ct);
        var second = await Store.ListWorkflowsAsync(TenantA, 2, 2, Ct);
        var last = await Store.ListWorkflowsAsync(TenantA, 4, 2, Ct);

        Assert.Equal([ids[4], ids[3]], first.Items.Select(w => w.Id));
        Assert.Equal([ids[2], ids[1]], second.Items.Select(w => w.Id));
        Assert.Equal([ids[0]], last.Items.Select(w => w.Id));
        Assert.Equal([5, 5, 5], new[] { first.Total, second.Total, last.Total });
    }

    [Fact]
    public async Task UpdateWorkflowAsync_WithoutNewVersion_ChangesMetadataOnly()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);
        var changed = workflow with { Name = "renamed", Description = null, Status = WorkflowStatus.Archived, UpdatedAt = T0.AddHours(1) };

        Assert.True(await Store.UpdateWorkflowAsync(changed, null, Ct));

        Assert.Equal(changed, await Store.GetWorkflowAsync(TenantA, workflow.Id, Ct));
        Assert.Equal([1], (await Store.ListVersionsAsync(TenantA, workflow.Id, Ct)).Select(v => v.Number));
    }

    [Fact]
    public async Task UpdateWorkflowAsync_WithNewVersion_AddsVersionAndMovesCurrent()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);
        var second = Version(TenantA, workflow.Id, 2, label: "second");

        Assert.True(await Store.UpdateWorkflowAsync(workflow with { CurrentVersion = 2 }, second, Ct));

        Assert.Equal(2, (await Store.GetWorkflowAsync(TenantA, workflow.Id, Ct))?.CurrentVersion);
        var versions = await Store.ListVersionsAsync(TenantA, workflow.Id, Ct);
        Assert.Equal([(1, "first"), (2, "second")], versions.Select(v => (v.Number, v.Label)));
        AssertJson(second.Definition, versions[1].Definition);
        Assert.Equal("hash-2", (await Store.GetVersionAsync(TenantA, workflow.Id, 2, Ct))?.Hash);
    }

    [Fact]
    public async Task UpdateWorkflowAsync_UnknownWorkflow_ReturnsFalseAndWritesNoVersion()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());

        Assert.False(await Store.UpdateWorkflowAsync(workflow, Version(TenantA, workflow.Id, 2), Ct));
        Assert.Empty(await Store.ListVersionsAsync(TenantA, workflow.Id, Ct));
    }

    [Fact]
    public async Task DeleteWorkflowAsync_Existing_HidesItFromGetListAndUpdate()
    {
        var kept = Workflow(TenantA, Guid.NewGuid(), "kept");
        var deleted = Workflow(TenantA, Guid.NewGuid(), "deleted");
        await CreateWorkflowAsync(kept);
        await CreateWorkflowAsync(deleted);

        Assert.True(await Store.DeleteWorkflowAsync(TenantA, deleted.Id, Ct));

        Assert.Null(await Store.GetWorkflowAsync(TenantA, deleted.Id, Ct));
        var page = await Store.ListWorkflowsAsync(TenantA, 0, 10, Ct);
        Assert.Equal([kept.Id], page.Items.Select(w => w.Id));
        Assert.Equal(1, page.Total);
        Assert.False(await Store.UpdateWorkflowAsync(deleted with { Name = "back" }, null, Ct));
        Assert.False(await Store.DeleteWorkflowAsync(TenantA, deleted.Id, Ct));
        Assert.Null(await InTxAsync(tx => tx.GetWorkflowAsync(TenantA, deleted.Id)));
    }

    [Fact]
    public async Task DeleteWorkflowAsync_Existing_KeepsVersionsForPinnedExecutions()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);

        await Store.DeleteWorkflowAsync(TenantA, workflow.Id, Ct);

        Assert.NotNull(await Store.GetVersionAsync(TenantA, workflow.Id, 1, Ct));
        Assert.NotNull(await InTxAsync(tx => tx.GetVersionAsync(TenantA, workflow.Id, 1)));
    }

    [Fact]
    public async Task Workflows_SameIdInTwoTenants_EachTenantSeesOnlyItsOwn()
    {
        var id = Guid.NewGuid();
        await CreateWorkflowAsync(Workflow(TenantA, id, "a-side"));
        await CreateWorkflowAsync(Workflow(TenantB, id, "b-side"));

        Assert.Equal("a-side", (await Store.GetWorkflowAsync(TenantA, id, Ct))?.Name);
        Assert.Equal("b-side", (await Store.GetWorkflowAsync(TenantB, id, Ct))?.Name);
        Assert.Equal(["a-side"], (await Store.ListWorkflowsAsync(TenantA, 0, 10, Ct)).Items.Select(w => w.Name));

        Assert.True(await Store.DeleteWorkflowAsync(TenantB, id, Ct));
        Assert.Equal("a-side", (await Store.GetWorkflowAsync(TenantA, id, Ct))?.Name);
    }

    [Fact]
    public async Task Workflows_OtherTenant_CannotSeeUpdateOrDeleteIt()
    {
        var workflow = Workflow(TenantA, Guid.NewGuid());
        await CreateWorkflowAsync(workflow);

        Assert.Null(await Store.GetWorkflowAsync(TenantB, workflow.Id, Ct));
        Assert.Empty((await Store.ListWorkflowsAsync(TenantB, 0, 10, Ct)).Items);
        Assert.Equal(0, (await Store.ListWorkflowsAsync(TenantB, 0, 10, Ct)).Total);
        Assert.Null(await Store.GetVersionAsync(TenantB, workflow.Id, 1, Ct));
        Assert.Empty(await Store.ListVersionsAsync(TenantB, workflow.Id, Ct));
        Assert.Null(await InTxAsync(tx => tx.GetWorkflowAsync(TenantB, workflow.Id)));
        Assert.Null(await InTxAsync(tx => tx.GetVersionAsync(TenantB, workflow.Id, 1)));

        Assert.False(await Store.UpdateWorkflowAsync(workflow with { Tenant = TenantB, Name = "stolen" }, null, Ct));
        Assert.False(await Store.DeleteWorkflowAsync(TenantB, workflow.Id, Ct));

        Assert.Equal(workflow, await Store.GetWorkflowAsync(TenantA, workflow.Id, Ct));
    }
}
