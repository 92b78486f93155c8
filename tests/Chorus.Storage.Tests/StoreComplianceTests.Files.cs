using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static FileRecord File(TenantId tenant, DateTimeOffset? at = null, Guid? executionId = null, string? path = null, long size = 5) => new()
    {
        Tenant = tenant,
        Id = Guid.NewGuid(),
        Name = "report.csv",
        ContentType = "text/csv",
        Size = size,
        Sha256 = new string('a', 64),
        CreatedAt = at ?? T0,
        CreatedBy = "alice",
        ExecutionId = executionId,
        StepId = executionId is null ? null : "export",
        Path = path,
    };

    [Fact]
    public async Task InsertFileAsync_ReadsEveryFieldAndTheBytesBack()
    {
        var executionId = Guid.NewGuid();
        var file = File(TenantA, executionId: executionId);
        byte[] bytes = [0, 1, 2, 250, 255];

        await Store.InsertFileAsync(file, bytes, Ct);

        Assert.Equal(file, await Store.GetFileAsync(TenantA, file.Id, Ct));
        Assert.Equal(bytes, await Store.GetFileContentAsync(TenantA, file.Id, Ct));
    }

    [Fact]
    public async Task InsertFileAsync_WithAPathOnly_KeepsNoBytes()
    {
        var file = File(TenantA, path: "tenant-a/abc");

        await Store.InsertFileAsync(file, null, Ct);

        Assert.Equal("tenant-a/abc", (await Store.GetFileAsync(TenantA, file.Id, Ct))!.Path);
        Assert.Null(await Store.GetFileContentAsync(TenantA, file.Id, Ct));
    }

    [Fact]
    public async Task Files_OfAnotherTenant_AreNeitherReadNorListedNorDeleted()
    {
        var file = File(TenantA);
        await Store.InsertFileAsync(file, [1, 2, 3], Ct);

        Assert.Null(await Store.GetFileAsync(TenantB, file.Id, Ct));
        Assert.Null(await Store.GetFileContentAsync(TenantB, file.Id, Ct));
        Assert.Equal(0, (await Store.ListFilesAsync(TenantB, 0, 50, Ct)).Total);
        Assert.Equal(0, await Store.DeleteFilesAsync(TenantB, [file.Id], Ct));
        Assert.NotNull(await Store.GetFileAsync(TenantA, file.Id, Ct));
    }

    [Fact]
    public async Task ListFilesAsync_NewestFirst_InPages()
    {
        var files = Enumerable.Range(0, 5).Select(i => File(TenantA, at: T0.AddMinutes(i))).ToList();
        foreach (var f in files)
            await Store.InsertFileAsync(f, [1], Ct);

        var first = await Store.ListFilesAsync(TenantA, 0, 2, Ct);
        var last = await Store.ListFilesAsync(TenantA, 4, 2, Ct);

        Assert.Equal(5, first.Total);
        Assert.Equal([files[4].Id, files[3].Id], first.Items.Select(f => f.Id));
        Assert.Equal([files[0].Id], last.Items.Select(f => f.Id));
    }

    [Fact]
    public async Task DeleteFilesAsync_RemovesRowAndBytes_AndCountsWhatWasThere()
    {
        var kept = File(TenantA);
        var gone = File(TenantA);
        await Store.InsertFileAsync(kept, [1], Ct);
        await Store.InsertFileAsync(gone, [2], Ct);

        Assert.Equal(1, await Store.DeleteFilesAsync(TenantA, [gone.Id, Guid.NewGuid()], Ct));

        Assert.Null(await Store.GetFileAsync(TenantA, gone.Id, Ct));
        Assert.Null(await Store.GetFileContentAsync(TenantA, gone.Id, Ct));
        Assert.NotNull(await Store.GetFileAsync(TenantA, kept.Id, Ct));
    }

    [Fact]
    public async Task GetUploadsCreatedBeforeAsync_OnlyOldUploadsOfTheTenant_OldestFirst()
    {
        var older = File(TenantA, at: T0);
        var old = File(TenantA, at: T0.AddDays(1));
        var young = File(TenantA, at: T0.AddDays(5));
        var ofExecution = File(TenantA, at: T0, executionId: Guid.NewGuid());
        var otherTenant = File(TenantB, at: T0);
        foreach (var f in new[] { old, young, older, ofExecution, otherTenant })
            await Store.InsertFileAsync(f, [1], Ct);

        var due = await Store.GetUploadsCreatedBeforeAsync(TenantA, T0.AddDays(2), 10, Ct);

        Assert.Equal([older.Id, old.Id], due.Select(f => f.Id));
        Assert.Equal([older.Id], (await Store.GetUploadsCreatedBeforeAsync(TenantA, T0.AddDays(2), 1, Ct)).Select(f => f.Id));
        Assert.Equal([TenantA, TenantB], (await Store.GetTenantsWithUploadsAsync(Ct)).OrderBy(t => t.Value));
    }

    [Fact]
    public async Task GetFilesOfDeletedExecutionsAsync_FindsFilesWhoseExecutionIsGone_OnlyThose()
    {
        var living = Execution(TenantA, status: ExecutionStatus.Completed);
        var doomed = Execution(TenantA, status: ExecutionStatus.Completed);
        doomed.CompletedAt = T0;
        await InTxAsync(async tx =>
        {
            await tx.InsertExecutionAsync(living);
            await tx.InsertExecutionAsync(doomed);
        });
        var ofLiving = File(TenantA, executionId: living.Id);
        var ofDoomed = File(TenantA, executionId: doomed.Id);
        // The same execution id in another tenant is another execution, which does not exist.
        var sameIdOtherTenant = File(TenantB, executionId: living.Id);
        var upload = File(TenantA);
        foreach (var f in new[] { ofLiving, ofDoomed, sameIdOtherTenant, upload })
            await Store.InsertFileAsync(f, [1], Ct);

        Assert.Equal([sameIdOtherTenant.Id], (await Store.GetFilesOfDeletedExecutionsAsync(10, Ct)).Select(f => f.Id));
        await InTxAsync(tx => tx.DeleteExecutionFamilyAsync(TenantA, doomed.Id));

        var orphans = await Store.GetFilesOfDeletedExecutionsAsync(10, Ct);

        Assert.Equal([ofDoomed.Id, sameIdOtherTenant.Id], orphans.Select(f => f.Id).OrderBy(id => id == ofDoomed.Id ? 0 : 1));
    }
}
