using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Tests;

public abstract partial class StoreComplianceTests<TStore>
{
    private static ScheduleRecord Schedule(TenantId tenant, Guid workflowId, DateTimeOffset? createdAt = null) => new()
    {
        Tenant = tenant,
        Id = Guid.NewGuid(),
        WorkflowId = workflowId,
        Cron = "*/5 9-17 * * MON-FRI",
        TimeZone = "Europe/Paris",
        Input = JsonNode.Parse("""{"customer": "ünïcode ✓", "amount": 12.5, "tags": ["a", "b"], "nested": {"ok": true, "none": null}}"""),
        Enabled = true,
        NextDueAt = T0.AddMinutes(5),
        LastFiredAt = T0.AddSeconds(-30).AddMilliseconds(7),
        LastExecutionId = Guid.NewGuid(),
        CreatedAt = createdAt ?? T0,
        UpdatedAt = (createdAt ?? T0).AddSeconds(1).AddMilliseconds(1),
    };

    /// <summary>Every field equal; the input compared as JSON (a record compares JsonNode by reference).</summary>
    private static void AssertSchedule(ScheduleRecord expected, ScheduleRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Input = null }, actual with { Input = null });
        AssertJson(expected.Input, actual.Input);
    }

    private Task InsertScheduleAsync(params ScheduleRecord[] schedules) => InTxAsync(async tx =>
    {
        foreach (var schedule in schedules)
            await tx.InsertScheduleAsync(schedule);
    });

    [Fact]
    public async Task InsertScheduleAsync_ThenGetAndList_RoundTripEveryField()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid());

        await InsertScheduleAsync(schedule);

        AssertSchedule(schedule, await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
        AssertSchedule(schedule, Assert.Single(await Store.ListSchedulesAsync(TenantA, schedule.WorkflowId, Ct)));
        AssertSchedule(schedule, await InTxAsync(tx => tx.GetScheduleAsync(TenantA, schedule.Id)));
    }

    [Fact]
    public async Task InsertScheduleAsync_DisabledWithNullFields_RoundTripsTheNulls()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid()) with
        {
            Cron = "0 30 6 * * *", TimeZone = "UTC", Input = null, Enabled = false, NextDueAt = null, LastFiredAt = null, LastExecutionId = null,
        };

        await InsertScheduleAsync(schedule);

        var stored = await Store.GetScheduleAsync(TenantA, schedule.Id, Ct);
        AssertSchedule(schedule, stored);
        Assert.Null(stored!.Input);
        Assert.Null(stored.NextDueAt);
    }

    [Fact]
    public async Task GetScheduleAsync_UnknownId_ReturnsNull() =>
        Assert.Null(await Store.GetScheduleAsync(TenantA, Guid.NewGuid(), Ct));

    [Fact]
    public async Task ListSchedulesAsync_SeveralWorkflows_ReturnsOnlyThatWorkflowsOldestFirst()
    {
        var (workflow, other) = (Guid.NewGuid(), Guid.NewGuid());
        var newest = Schedule(TenantA, workflow, T0.AddMinutes(2));
        var oldest = Schedule(TenantA, workflow, T0.AddMinutes(-1));
        var middle = Schedule(TenantA, workflow, T0);
        await InsertScheduleAsync(newest, Schedule(TenantA, other), oldest, middle);

        var listed = await Store.ListSchedulesAsync(TenantA, workflow, Ct);

        Assert.Equal([oldest.Id, middle.Id, newest.Id], listed.Select(s => s.Id));
        Assert.Empty(await Store.ListSchedulesAsync(TenantA, Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task GetAndListSchedulesAsync_OtherTenant_SeeNothing()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid());
        await InsertScheduleAsync(schedule);

        Assert.Null(await Store.GetScheduleAsync(TenantB, schedule.Id, Ct));
        Assert.Empty(await Store.ListSchedulesAsync(TenantB, schedule.WorkflowId, Ct));
        Assert.Null(await InTxAsync(tx => tx.GetScheduleAsync(TenantB, schedule.Id)));
        Assert.NotNull(await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
    }

    [Fact]
    public async Task UpdateScheduleAsync_ChangesEveryMutableField()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid());
        await InsertScheduleAsync(schedule);
        var changed = schedule with
        {
            Cron = "0 0 12 * * *",
            TimeZone = "America/New_York",
            Input = new JsonArray(1, "two", null),
            Enabled = false,
            NextDueAt = null,
            LastFiredAt = T0.AddHours(1).AddMilliseconds(999),
            LastExecutionId = Guid.NewGuid(),
            UpdatedAt = T0.AddHours(2).AddMilliseconds(456),
        };

        await InTxAsync(tx => tx.UpdateScheduleAsync(changed));

        AssertSchedule(changed, await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
        var reenabled = changed with { Enabled = true, NextDueAt = T0.AddDays(1).AddMilliseconds(3), Input = null };
        await InTxAsync(tx => tx.UpdateScheduleAsync(reenabled));
        AssertSchedule(reenabled, Assert.Single(await Store.ListSchedulesAsync(TenantA, schedule.WorkflowId, Ct)));
    }

    [Fact]
    public async Task UpdateScheduleAsync_OtherTenant_ChangesNothing()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid());
        await InsertScheduleAsync(schedule);

        await InTxAsync(tx => tx.UpdateScheduleAsync(schedule with { Tenant = TenantB, Cron = "1 2 3 4 5", Enabled = false }));

        AssertSchedule(schedule, await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
        Assert.Null(await Store.GetScheduleAsync(TenantB, schedule.Id, Ct));
    }

    [Fact]
    public async Task DeleteScheduleAsync_RemovesOnlyThatSchedule()
    {
        var workflow = Guid.NewGuid();
        var (gone, kept) = (Schedule(TenantA, workflow), Schedule(TenantA, workflow, T0.AddMinutes(1)));
        await InsertScheduleAsync(gone, kept);

        await InTxAsync(tx => tx.DeleteScheduleAsync(TenantB, gone.Id));
        Assert.NotNull(await Store.GetScheduleAsync(TenantA, gone.Id, Ct));

        await InTxAsync(tx => tx.DeleteScheduleAsync(TenantA, gone.Id));

        Assert.Null(await Store.GetScheduleAsync(TenantA, gone.Id, Ct));
        Assert.Null(await InTxAsync(tx => tx.GetScheduleAsync(TenantA, gone.Id)));
        Assert.Equal([kept.Id], (await Store.ListSchedulesAsync(TenantA, workflow, Ct)).Select(s => s.Id));
    }

    [Fact]
    public async Task InsertScheduleAsync_NotCommitted_IsNotVisible()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid());

        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.InsertScheduleAsync(schedule);
            AssertSchedule(schedule, await tx.GetScheduleAsync(TenantA, schedule.Id));
        }

        Assert.Null(await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
        Assert.Empty(await Store.ListSchedulesAsync(TenantA, schedule.WorkflowId, Ct));
        Assert.Null(await InTxAsync(tx => tx.GetScheduleAsync(TenantA, schedule.Id)));
    }

    [Fact]
    public async Task UpdateScheduleAsync_InTheTransactionThatInsertedIt_IsReadBackBeforeTheCommit()
    {
        var schedule = Schedule(TenantA, Guid.NewGuid());
        var fired = schedule with { LastFiredAt = T0.AddMinutes(5), NextDueAt = T0.AddMinutes(10), LastExecutionId = Guid.NewGuid() };

        await using (var tx = await Store.BeginAsync(Ct))
        {
            await tx.InsertScheduleAsync(schedule);
            await tx.UpdateScheduleAsync(fired);
            AssertSchedule(fired, await tx.GetScheduleAsync(TenantA, schedule.Id));
            await tx.CommitAsync();
        }

        AssertSchedule(fired, await Store.GetScheduleAsync(TenantA, schedule.Id, Ct));
    }

    [Fact]
    public async Task ClaimAsync_FireItem_RoundTripsWithKindFireAndTheScheduleId()
    {
        var scheduleId = Guid.NewGuid();
        var itemId = await InsertItemAsync(new WorkItem
        {
            Tenant = TenantB, ExecutionId = scheduleId, StepId = "", Kind = WorkItemKind.Fire, DueAt = T0.AddSeconds(-1),
        });

        var claimed = Assert.Single(await ClaimAsync("w1", T0));

        Assert.Equal((itemId, TenantB, scheduleId, "", WorkItemKind.Fire, T0.AddSeconds(-1)),
            (claimed.Id, claimed.Tenant, claimed.ExecutionId, claimed.StepId, claimed.Kind, claimed.DueAt));
        Assert.Null(claimed.Payload);
        Assert.True(await InTxAsync(tx => tx.CompleteWorkItemAsync(claimed.Id, claimed.Fence)));
    }

    [Fact]
    public async Task DeleteWorkItemsAsync_ScheduleId_RemovesItsPendingFireItem()
    {
        var (scheduleId, otherSchedule) = (Guid.NewGuid(), Guid.NewGuid());
        WorkItem Fire(Guid id) => new() { Tenant = TenantA, ExecutionId = id, StepId = "", Kind = WorkItemKind.Fire, DueAt = T0 };
        await InsertItemAsync(Fire(scheduleId));
        var kept = await InsertItemAsync(Fire(otherSchedule));

        await InTxAsync(tx => tx.DeleteWorkItemsAsync(TenantA, scheduleId));

        Assert.Equal([kept], (await ClaimAsync("w1", T0)).Select(i => i.Id));
    }
}
