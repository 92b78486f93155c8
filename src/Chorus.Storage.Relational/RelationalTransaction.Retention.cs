using Chorus.Engine;

namespace Chorus.Storage.Relational;

internal abstract partial class RelationalTransaction
{
    public async Task<IReadOnlyList<TenantId>> GetTenantsWithHistoryAsync() =>
        await QueryAsync(Sql.Retention.TenantsWithHistory(), r => new TenantId(r.Text("tenant_id")!)).ConfigureAwait(false);

    public async Task<int> PruneExecutionsAsync(TenantId tenant, DateTimeOffset finishedBefore, int max)
    {
        var roots = await QueryAsync(Sql.Retention.OldRoots(tenant, finishedBefore, max), r => r.Id("id")).ConfigureAwait(false);
        return await DeleteFamiliesAsync(tenant, roots, finishedBefore).ConfigureAwait(false);
    }

    public async Task<int> DeleteWorkflowHistoryAsync(TenantId tenant, Guid workflowId, int max)
    {
        var roots = await QueryAsync(Sql.Retention.FinishedRootsOf(tenant, workflowId, max), r => r.Id("id")).ConfigureAwait(false);
        return await DeleteFamiliesAsync(tenant, roots, before: null).ConfigureAwait(false);
    }

    public Task<int> DeleteExecutionFamilyAsync(TenantId tenant, Guid rootId) => DeleteFamiliesAsync(tenant, [rootId], before: null);

    /// <summary>Deletes each root with its descendants when all of them may go; a family with one member still
    /// running (or too young) stays whole. Returns how many executions were deleted.</summary>
    private async Task<int> DeleteFamiliesAsync(TenantId tenant, List<Guid> roots, DateTimeOffset? before)
    {
        if (roots.Count == 0)
            return 0;
        var members = await QueryAsync(Sql.Retention.Families(tenant, [.. roots], before),
            r => (Root: r.Id("root"), Id: r.Id("id"), Done: r.Int("done") == 1)).ConfigureAwait(false);
        var kept = new HashSet<Guid>();
        foreach (var member in members)
            if (!member.Done)
                kept.Add(member.Root);
        var doomed = new List<Guid>();
        foreach (var member in members)
            if (!kept.Contains(member.Root))
                doomed.Add(member.Id);
        if (doomed.Count == 0)
            return 0;
        foreach (var delete in Sql.Retention.DeleteExecutions(tenant, [.. doomed]))
            await ExecuteAsync(delete).ConfigureAwait(false);
        return doomed.Count;
    }

    public Task<int> PruneEventsAsync(DateTimeOffset before, int max) => ExecuteAsync(Sql.Retention.PruneEvents(before, max));

    /// <summary>Gives free pages back to the file system, where the store keeps them in its file; nothing elsewhere.</summary>
    public virtual Task CompactAsync(int pages) => Task.CompletedTask;
}
