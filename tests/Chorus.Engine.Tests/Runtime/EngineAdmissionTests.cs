using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Fair admission on a real engine: MAX_CONCURRENT_WORKFLOWS of 4 and a tenant share of 0.5, so a tenant
/// may hold 2 slots. Tenant A's executions wait for an event that only the test sends, as a wedged tenant's would.</summary>
public sealed class EngineAdmissionTests : IAsyncLifetime
{
    private static readonly TenantId A = new("tenant-a");
    private static readonly TenantId B = new("tenant-b");

    private const string WaitsForGo = """
        {"name": "wedged", "steps": [{"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}}]}
        """;

    private const string Quick = """
        {"name": "quick", "steps": [{"id": "a", "name": "A", "type": "count"}]}
        """;

    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync(share: 0.5);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static Task<EngineHarness> StartAsync(double share) =>
        EngineHarness.StartAsync(o => o with { MaxConcurrentWorkflows = 4, Limits = o.Limits with { TenantSlotShare = share } });

    [Fact]
    public void TenantSlotCap_IsTheShareOfTheGlobalLimitRoundedDown_AtLeastOne()
    {
        static int Cap(int global, double share) =>
            new EngineOptions { MaxConcurrentWorkflows = global, Limits = new ExecutionLimits { TenantSlotShare = share } }.TenantSlotCap;

        Assert.Equal(50, new EngineOptions().TenantSlotCap);
        Assert.Equal(2, Cap(4, 0.5));
        Assert.Equal(1, Cap(3, 0.5));
        Assert.Equal(1, Cap(1, 0.5));
        Assert.Equal(1, Cap(10, 0.01));
        Assert.Equal(29, Cap(100, 0.29));
        Assert.Equal(7, Cap(7, 1.0));
    }

    [Fact]
    public async Task WedgedTenantHoldsItsShare_AnotherTenantsExecutionsStillStartAndComplete()
    {
        var wedged = await CreateAsync(A, WaitsForGo);
        var quick = await CreateAsync(B, Quick);
        var ofA = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ofA.Add(await StartAsync(A, wedged));
        await WaitForStatusesAsync(A, ofA, ExecutionStatus.Waiting, 2);

        var ofB = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ofB.Add(await StartAsync(B, quick));

        await WaitForStatusesAsync(B, ofB, ExecutionStatus.Completed, 3);
        Assert.Equal([ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending, ExecutionStatus.Pending, ExecutionStatus.Pending],
            await StatusesAsync(A, ofA));
    }

    [Fact]
    public async Task TenantAtItsCap_ExtraStartsStayPendingWhileSlotsAreFree_AndAreAdmittedOldestFirstWhenItsExecutionsEnd()
    {
        var wedged = await CreateAsync(A, WaitsForGo);
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
            ids.Add(await StartAsync(A, wedged));
        await WaitForStatusesAsync(A, ids, ExecutionStatus.Waiting, 2);
        await EngineHarness.QuietPeriodAsync();
        // Two of the four global slots are free, but A holds its share.
        Assert.Equal([ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending, ExecutionStatus.Pending], await StatusesAsync(A, ids));

        await _h.Engine.SendEventAsync(A, ids[0], "go", new JsonObject());
        await WaitForAsync(A, ids[2], ExecutionStatus.Waiting);
        Assert.Equal([ExecutionStatus.Completed, ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending], await StatusesAsync(A, ids));

        await _h.Engine.CancelAsync(A, ids[1]);
        await WaitForAsync(A, ids[3], ExecutionStatus.Waiting);
    }

    [Fact]
    public async Task PendingAcrossTenants_TheOldestOfATenantUnderItsCapIsAdmitted_NotAnOlderOneOfATenantAtIt()
    {
        var ofA = await CreateAsync(A, WaitsForGo);
        var ofB = await CreateAsync(B, WaitsForGo);
        var a = new List<Guid> { await StartAsync(A, ofA), await StartAsync(A, ofA) };
        var b = new List<Guid> { await StartAsync(B, ofB), await StartAsync(B, ofB) };
        await WaitForStatusesAsync(A, a, ExecutionStatus.Waiting, 2);
        await WaitForStatusesAsync(B, b, ExecutionStatus.Waiting, 2);
        // Every global slot is taken: these three queue, A's two first.
        a.Add(await StartAsync(A, ofA));
        a.Add(await StartAsync(A, ofA));
        b.Add(await StartAsync(B, ofB));

        // A drops under its cap: its oldest pending execution is the oldest pending one, and is admitted.
        await _h.Engine.SendEventAsync(A, a[0], "go", new JsonObject());
        await WaitForAsync(A, a[2], ExecutionStatus.Waiting);
        // B ends one: A holds its share again, so B's pending execution goes before A's older one.
        await _h.Engine.SendEventAsync(B, b[0], "go", new JsonObject());
        await WaitForAsync(B, b[2], ExecutionStatus.Waiting);
        await EngineHarness.QuietPeriodAsync();

        Assert.Equal(ExecutionStatus.Pending, (await GetAsync(A, a[3])).Status);
        Assert.Equal([ExecutionStatus.Completed, ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending], await StatusesAsync(A, a));
    }

    [Fact]
    public async Task RetryOfAFailedExecution_WhileItsTenantHoldsItsShare_IsRefused_AndAllowedOnceASlotFrees()
    {
        var fails = await CreateAsync(A, """
            {"name": "fails", "steps": [{"id": "child", "name": "Child", "type": "subflow", "config": {"workflow_id": "MISSING"}}]}
            """.Replace("MISSING", Guid.NewGuid().ToString(), StringComparison.Ordinal));
        var failed = await StartAsync(A, fails);
        await WaitForAsync(A, failed, ExecutionStatus.Failed);
        var wedged = await CreateAsync(A, WaitsForGo);
        var holding = new List<Guid> { await StartAsync(A, wedged), await StartAsync(A, wedged) };
        await WaitForStatusesAsync(A, holding, ExecutionStatus.Waiting, 2);

        var refused = await Assert.ThrowsAsync<ChorusException>(() => _h.Engine.RetryAsync(A, failed));
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Equal(ExecutionStatus.Failed, (await GetAsync(A, failed)).Status);

        await _h.Engine.SendEventAsync(A, holding[0], "go", new JsonObject());
        await WaitForAsync(A, holding[0], ExecutionStatus.Completed);
        var retried = await _h.Engine.RetryAsync(A, failed);
        Assert.Equal(ExecutionStatus.Running, retried.Status);
    }

    [Fact]
    public async Task ShareOfOne_OneTenantMayHoldEverySlot_AsBeforeTheShareExisted()
    {
        await using var whole = await StartAsync(share: 1.0);
        var wedged = await CreateAsync(A, WaitsForGo, whole);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add(await StartAsync(A, wedged, whole));
        await WaitForStatusesAsync(A, ids, ExecutionStatus.Waiting, 4, whole);
        await EngineHarness.QuietPeriodAsync();

        Assert.Equal([ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Waiting, ExecutionStatus.Pending],
            await StatusesAsync(A, ids, whole));
    }

    private async Task<Guid> CreateAsync(TenantId tenant, string json, EngineHarness? h = null)
    {
        h ??= _h;
        var service = new WorkflowService(h.Store, h.Engine.Registry, h.Clock);
        return (await service.CreateAsync(tenant, JsonNode.Parse(json)!.AsObject(), author: null, CancellationToken.None)).Workflow.Id;
    }

    /// <summary>Starts one execution a millisecond after the previous one: the clock is manual, and executions
    /// created at one instant are queued in the order of their random ids.</summary>
    private async Task<Guid> StartAsync(TenantId tenant, Guid workflowId, EngineHarness? h = null)
    {
        h ??= _h;
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        return (await h.Engine.StartExecutionAsync(tenant, workflowId, null)).Id;
    }

    private async Task<ExecutionRecord> GetAsync(TenantId tenant, Guid id, EngineHarness? h = null) =>
        await (h ?? _h).Store.GetExecutionAsync(tenant, id, CancellationToken.None) ?? throw new InvalidOperationException($"No execution {id}");

    private async Task<List<ExecutionStatus>> StatusesAsync(TenantId tenant, IEnumerable<Guid> ids, EngineHarness? h = null)
    {
        var statuses = new List<ExecutionStatus>();
        foreach (var id in ids)
            statuses.Add((await GetAsync(tenant, id, h)).Status);
        return statuses;
    }

    private Task WaitForAsync(TenantId tenant, Guid id, ExecutionStatus status) =>
        _h.WaitUntilAsync(async () => (await GetAsync(tenant, id)).Status == status, $"{id} to be {status}", nudge: false);

    private Task WaitForStatusesAsync(TenantId tenant, IReadOnlyList<Guid> ids, ExecutionStatus status, int count, EngineHarness? h = null) =>
        (h ?? _h).WaitUntilAsync(async () => (await StatusesAsync(tenant, ids, h)).Count(s => s == status) == count,
            $"{count} executions of {tenant.Value} to be {status}", nudge: false);
}
