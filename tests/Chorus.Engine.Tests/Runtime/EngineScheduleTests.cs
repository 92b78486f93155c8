using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Schedules;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Cron schedules on a real engine and store, fired by moving the manual clock.</summary>
public sealed class EngineScheduleTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = EngineHarness.Tenant;
    private static readonly CancellationToken None = CancellationToken.None;

    private const string Counter = """{"name": "scheduled", "steps": [{"id": "a", "name": "A", "type": "count"}]}""";

    private const string WithSchema = """
        {"name": "scheduled-with-schema",
         "input_schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
         "steps": [{"id": "a", "name": "A", "type": "count"}]}
        """;

    private EngineHarness _h = null!;
    private ScheduleService _schedules = null!;

    public async Task InitializeAsync()
    {
        _h = await EngineHarness.StartAsync();
        _schedules = new ScheduleService(_h.Store, _h.Store, _h.Engine, _h.Clock);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private DateTimeOffset Now => _h.Clock.GetUtcNow();

    private WorkflowService Workflows => new(_h.Store, _h.Engine.Registry, _h.Clock);

    private Task<ScheduleRecord> CreateAsync(Guid workflowId, string cron, JsonNode? input = null, string? zone = null) =>
        _schedules.CreateAsync(Tenant, workflowId, new ScheduleChange { Cron = cron, TimeZone = zone, HasInput = input is not null, Input = input }, None);

    private Task<ScheduleRecord?> StoredAsync(Guid scheduleId) => _h.Store.GetScheduleAsync(Tenant, scheduleId, None);

    private async Task<int> CountAsync(Guid workflowId) => (await _h.ExecutionsOfAsync(workflowId)).Count;

    /// <summary>Moves the clock one second and waits until the workflow has <paramref name="expected"/> executions.</summary>
    private async Task TickAndWaitForAsync(Guid workflowId, int expected)
    {
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitUntilAsync(async () => await CountAsync(workflowId) >= expected, $"{expected} executions", nudge: true);
    }

    /// <summary>Waits until the schedule's next occurrence is <paramref name="due"/>: the one before it was handled.</summary>
    private Task WaitForNextDueAsync(Guid scheduleId, DateTimeOffset due) =>
        _h.WaitUntilAsync(async () => (await StoredAsync(scheduleId))?.NextDueAt == due, $"next due {Wire(due)}", nudge: true);

    private static string Wire(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string ScheduledFor(ExecutionRecord execution) => execution.Context["trigger"]!["scheduled_for"]!.GetValue<string>();

    /// <summary>The first whole second strictly after <paramref name="at"/>.</summary>
    private static DateTimeOffset NextSecond(DateTimeOffset at) => new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1);

    private static async Task AssertCodeAsync(string code, Func<Task> call, string? field = null)
    {
        var error = await Assert.ThrowsAsync<ChorusException>(call);
        Assert.Equal(code, error.Code);
        if (field is not null)
            Assert.Equal(field, error.Details?["field"]?.GetValue<string>());
    }

    [Fact]
    public async Task EverySecond_FiresOncePerSecondAdvanced_WithItsInputAndTrigger()
    {
        var wf = await _h.CreateWorkflowAsync(WithSchema);
        var start = Now;
        var schedule = await CreateAsync(wf, "* * * * * *", JsonNode.Parse("""{"n": 7}"""));
        Assert.Equal(start.AddSeconds(1), schedule.NextDueAt);
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(0, await CountAsync(wf));

        for (var k = 1; k <= 5; k++)
            await TickAndWaitForAsync(wf, k);
        await EngineHarness.QuietPeriodAsync();

        var executions = await _h.ExecutionsOfAsync(wf);
        Assert.Equal(5, executions.Count);
        foreach (var execution in executions)
        {
            var done = await _h.WaitForStatusAsync(execution.Id, ExecutionStatus.Completed);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n": 7}"""), done.Input), done.Input?.ToJsonString());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n": 7}"""), done.Context["input"]), done.Context["input"]?.ToJsonString());
            Assert.Equal("schedule", done.Context["trigger"]!["type"]!.GetValue<string>());
            Assert.Equal(schedule.Id.ToString(), done.Context["trigger"]!["schedule_id"]!.GetValue<string>());
            Assert.Single(_h.Calls.For(done.Id, "a"));
        }
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Wire(start.AddSeconds(i))), executions.Select(ScheduledFor).Order());
        var stored = await StoredAsync(schedule.Id);
        Assert.Equal(start.AddSeconds(6), stored!.NextDueAt);
        Assert.Equal(executions.Single(e => ScheduledFor(e) == Wire(start.AddSeconds(5))).Id, stored.LastExecutionId);
        Assert.True(stored.LastFiredAt >= start.AddSeconds(5), $"last fired {stored.LastFiredAt}");
    }

    [Fact]
    public async Task Disable_StopsFiring_AndEnableResumesFromNow()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var schedule = await CreateAsync(wf, "* * * * * *");
        await TickAndWaitForAsync(wf, 1);

        var disabled = await _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { Enabled = false }, None);

        Assert.False(disabled.Enabled);
        Assert.Null(disabled.NextDueAt);
        Assert.Null((await StoredAsync(schedule.Id))!.NextDueAt);
        for (var i = 0; i < 3; i++)
            _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(1, await CountAsync(wf));

        _h.Clock.Advance(TimeSpan.FromMilliseconds(500));
        var enabledAt = Now;
        var enabled = await _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { Enabled = true }, None);

        Assert.True(enabled.Enabled);
        Assert.Equal(NextSecond(enabledAt), enabled.NextDueAt);
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(1, await CountAsync(wf));
        _h.Clock.Advance(enabled.NextDueAt!.Value - Now);
        await _h.WaitUntilAsync(async () => await CountAsync(wf) == 2, "the first occurrence after enabling", nudge: true);
        await EngineHarness.QuietPeriodAsync();
        var executions = await _h.ExecutionsOfAsync(wf);
        Assert.Equal(2, executions.Count);
        Assert.Contains(Wire(enabled.NextDueAt.Value), executions.Select(ScheduledFor));
    }

    [Fact]
    public async Task Delete_StopsFiring_AndTheScheduleIsGone()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var schedule = await CreateAsync(wf, "* * * * * *");
        await TickAndWaitForAsync(wf, 1);

        await _schedules.DeleteAsync(Tenant, wf, schedule.Id, None);

        Assert.Null(await StoredAsync(schedule.Id));
        Assert.Empty(await _schedules.ListAsync(Tenant, wf, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.GetAsync(Tenant, wf, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.DeleteAsync(Tenant, wf, schedule.Id, None));
        for (var i = 0; i < 3; i++)
            _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(1, await CountAsync(wf));
    }

    [Fact]
    public async Task MissedOccurrences_TenMinutesSkipped_FireOnceAndNextDueIsTheMinuteAfterNow()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var start = Now;
        var schedule = await CreateAsync(wf, "* * * * *");
        Assert.Equal(start.AddMinutes(1), schedule.NextDueAt);

        _h.Clock.SetUtcNow(start.AddMinutes(10));

        await WaitForNextDueAsync(schedule.Id, start.AddMinutes(11));
        await EngineHarness.QuietPeriodAsync();
        var fired = Assert.Single(await _h.ExecutionsOfAsync(wf));
        Assert.Equal(Wire(start.AddMinutes(1)), ScheduledFor(fired));
        var stored = await StoredAsync(schedule.Id);
        Assert.Equal(fired.Id, stored!.LastExecutionId);
        Assert.True(stored.LastFiredAt >= start.AddMinutes(10), $"last fired {stored.LastFiredAt}");

        _h.Clock.Advance(start.AddMinutes(11) - Now);
        await _h.WaitUntilAsync(async () => await CountAsync(wf) == 2, "the next minute's occurrence", nudge: true);
        await EngineHarness.QuietPeriodAsync();
        var executions = await _h.ExecutionsOfAsync(wf);
        Assert.Equal(2, executions.Count);
        Assert.Equal([Wire(start.AddMinutes(1)), Wire(start.AddMinutes(11))], executions.Select(ScheduledFor).Order());
    }

    [Theory]
    [InlineData(WorkflowStatus.Draft)]
    [InlineData(WorkflowStatus.Archived)]
    public async Task InactiveWorkflow_OccurrencesAreSkippedButTheScheduleGoesOn_AndFiresOnceActiveAgain(WorkflowStatus status)
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var start = Now;
        var schedule = await CreateAsync(wf, "* * * * * *");
        await Workflows.SetStatusAsync(Tenant, wf, status, ct: None);

        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForNextDueAsync(schedule.Id, start.AddSeconds(2));
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForNextDueAsync(schedule.Id, start.AddSeconds(3));
        await EngineHarness.QuietPeriodAsync();

        Assert.Equal(0, await CountAsync(wf));
        var skipped = await StoredAsync(schedule.Id);
        Assert.True(skipped!.Enabled);
        Assert.Null(skipped.LastFiredAt);
        Assert.Null(skipped.LastExecutionId);

        await Workflows.SetStatusAsync(Tenant, wf, WorkflowStatus.Active, ct: None);
        await TickAndWaitForAsync(wf, 1);

        var fired = Assert.Single(await _h.ExecutionsOfAsync(wf));
        Assert.Equal(Wire(start.AddSeconds(3)), ScheduledFor(fired));
        await _h.WaitForStatusAsync(fired.Id, ExecutionStatus.Completed);
        Assert.Equal(fired.Id, (await StoredAsync(schedule.Id))!.LastExecutionId);
    }

    [Fact]
    public async Task DeletedWorkflow_ScheduleDisappearsAtItsNextOccurrence_WithoutAnExecution()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var schedule = await CreateAsync(wf, "* * * * * *");
        Assert.True(await _h.Store.DeleteWorkflowAsync(Tenant, wf, None));
        Assert.NotNull(await StoredAsync(schedule.Id));

        _h.Clock.Advance(TimeSpan.FromSeconds(1));

        await _h.WaitUntilAsync(async () => await StoredAsync(schedule.Id) is null, "the schedule to be removed", nudge: true);
        for (var i = 0; i < 2; i++)
            _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(0, await CountAsync(wf));
        Assert.Empty(await _h.Store.ListSchedulesAsync(Tenant, wf, None));
    }

    [Fact]
    public async Task InputRefusedByANewerVersion_OccurrenceIsSkipped_UntilTheInputIsFixed()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var start = Now;
        var schedule = await CreateAsync(wf, "* * * * * *", JsonNode.Parse("""{"n": "seven"}"""));
        await Workflows.UpdateAsync(Tenant, wf, JsonNode.Parse(WithSchema)!.AsObject(), ct: None);

        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForNextDueAsync(schedule.Id, start.AddSeconds(2));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(0, await CountAsync(wf));

        await AssertCodeAsync(ErrorCodes.InvalidInput, () => _schedules.UpdateAsync(Tenant, wf, schedule.Id,
            new ScheduleChange { HasInput = true, Input = JsonNode.Parse("""{"n": "still not"}""") }, None));
        var fixedInput = await _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { HasInput = true, Input = JsonNode.Parse("""{"n": 3}""") }, None);
        Assert.Equal(NextSecond(Now), fixedInput.NextDueAt);
        await TickAndWaitForAsync(wf, 1);

        var fired = Assert.Single(await _h.ExecutionsOfAsync(wf));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n": 3}"""), fired.Input), fired.Input?.ToJsonString());
        Assert.Equal(2, fired.WorkflowVersion);
    }

    [Fact]
    public async Task UpdateCron_ReplacesThePendingOccurrence()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var start = Now;
        var schedule = await CreateAsync(wf, "* * * * * *");

        var hourly = await _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { Cron = " 0 * * * * " }, None);

        Assert.Equal("0 * * * *", hourly.Cron);
        Assert.Equal(start.AddHours(1), hourly.NextDueAt);
        for (var i = 0; i < 3; i++)
            _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(0, await CountAsync(wf));
        Assert.Equal(start.AddHours(1), (await StoredAsync(schedule.Id))!.NextDueAt);

        _h.Clock.Advance(start.AddHours(1) - Now);
        await _h.WaitUntilAsync(async () => await CountAsync(wf) == 1, "the hourly occurrence", nudge: true);
        await EngineHarness.QuietPeriodAsync();
        var fired = Assert.Single(await _h.ExecutionsOfAsync(wf));
        Assert.Equal(Wire(start.AddHours(1)), ScheduledFor(fired));
    }

    [Fact]
    public async Task DailyInParis_InWinter_IsDueAtEightUtc_AndFiresThen()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var start = Now;
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), start); // winter: Paris is UTC+1

        var schedule = await CreateAsync(wf, "0 9 * * *", zone: "Europe/Paris");

        Assert.Equal("Europe/Paris", schedule.TimeZone);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero), schedule.NextDueAt);
        _h.Clock.Advance(TimeSpan.FromHours(8));
        await _h.WaitUntilAsync(async () => await CountAsync(wf) == 1, "the 09:00 Paris occurrence", nudge: true);
        var fired = Assert.Single(await _h.ExecutionsOfAsync(wf));
        Assert.Equal("2030-01-01T08:00:00.000Z", ScheduledFor(fired));
        await WaitForNextDueAsync(schedule.Id, new DateTimeOffset(2030, 1, 2, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task DailyInParis_InSummer_IsDueAtSevenUtc()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        _h.Clock.SetUtcNow(new DateTimeOffset(2030, 7, 1, 0, 0, 0, TimeSpan.Zero));

        var schedule = await CreateAsync(wf, "0 9 * * *", zone: "Europe/Paris");

        Assert.Equal(new DateTimeOffset(2030, 7, 1, 7, 0, 0, TimeSpan.Zero), schedule.NextDueAt);
    }

    [Fact]
    public async Task UpdateTimeZone_RecomputesTheNextOccurrenceInTheNewZone()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var schedule = await CreateAsync(wf, "0 9 * * *");
        Assert.Equal("UTC", schedule.TimeZone);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero), schedule.NextDueAt);

        var inNewYork = await _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { TimeZone = "America/New_York" }, None);

        Assert.Equal(new DateTimeOffset(2030, 1, 1, 14, 0, 0, TimeSpan.Zero), inNewYork.NextDueAt);
        Assert.Equal(inNewYork.NextDueAt, (await StoredAsync(schedule.Id))!.NextDueAt);
    }

    [Theory]
    [InlineData("@daily", "2030-01-02T00:00:00.000Z")]
    [InlineData("@hourly", "2030-01-01T01:00:00.000Z")]
    [InlineData("30 * * * * *", "2030-01-01T00:00:30.000Z")]
    [InlineData("15 10 * * MON", "2030-01-07T10:15:00.000Z")]
    public async Task Create_ValidCron_IsSavedWithItsFirstOccurrence(string cron, string firstDue)
    {
        var wf = await _h.CreateWorkflowAsync(Counter);

        var schedule = await CreateAsync(wf, cron);

        Assert.Equal(firstDue, Wire(schedule.NextDueAt!.Value));
        Assert.True(schedule.Enabled);
        Assert.Equal(schedule.Id, Assert.Single(await _schedules.ListAsync(Tenant, wf, None)).Id);
    }

    [Theory]
    [InlineData("not a cron", null, "cron")]
    [InlineData("* * * * * * *", null, "cron")]
    [InlineData("* * * *", null, "cron")]
    [InlineData("61 * * * *", null, "cron")]
    [InlineData("   ", null, "cron")]
    [InlineData("0 0 30 2 *", null, "cron")]
    [InlineData("@sometimes", null, "cron")]
    [InlineData("0 9 * * *", "Mars/Olympus_Mons", "time_zone")]
    [InlineData("0 9 * * *", "", "time_zone")]
    public async Task Create_InvalidCronOrZone_IsInvalidInput_AndSavesNothing(string cron, string? zone, string field)
    {
        var wf = await _h.CreateWorkflowAsync(Counter);

        await AssertCodeAsync(ErrorCodes.InvalidInput, () => CreateAsync(wf, cron, zone: zone), field);

        Assert.Empty(await _schedules.ListAsync(Tenant, wf, None));
    }

    [Fact]
    public async Task Create_WithoutCron_IsInvalidInput_AndSavesNothing()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);

        await AssertCodeAsync(ErrorCodes.InvalidInput, () => _schedules.CreateAsync(Tenant, wf, new ScheduleChange { TimeZone = "UTC" }, None), "cron");

        Assert.Empty(await _schedules.ListAsync(Tenant, wf, None));
    }

    [Fact]
    public async Task Create_InputRefusedByTheInputSchema_IsInvalidInput_AndSavesNothing()
    {
        var wf = await _h.CreateWorkflowAsync(WithSchema);

        await AssertCodeAsync(ErrorCodes.InvalidInput, () => CreateAsync(wf, "* * * * *", JsonNode.Parse("""{"n": "seven"}""")));
        await AssertCodeAsync(ErrorCodes.InvalidInput, () => CreateAsync(wf, "* * * * *"));

        Assert.Empty(await _schedules.ListAsync(Tenant, wf, None));
    }

    [Fact]
    public async Task UnknownWorkflow_IsWorkflowNotFound_ForEveryOperation()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var schedule = await CreateAsync(wf, "* * * * *");
        var unknown = Guid.NewGuid();

        await AssertCodeAsync(ErrorCodes.WorkflowNotFound, () => CreateAsync(unknown, "* * * * *"));
        await AssertCodeAsync(ErrorCodes.WorkflowNotFound, () => _schedules.ListAsync(Tenant, unknown, None));
        await AssertCodeAsync(ErrorCodes.WorkflowNotFound, () => _schedules.GetAsync(Tenant, unknown, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.WorkflowNotFound, () => _schedules.UpdateAsync(Tenant, unknown, schedule.Id, new ScheduleChange { Enabled = false }, None));
        await AssertCodeAsync(ErrorCodes.WorkflowNotFound, () => _schedules.DeleteAsync(Tenant, unknown, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.WorkflowNotFound, () => _schedules.CreateAsync(new TenantId("other"), wf, new ScheduleChange { Cron = "* * * * *" }, None));

        Assert.Equal(schedule.Id, Assert.Single(await _schedules.ListAsync(Tenant, wf, None)).Id);
        Assert.True((await StoredAsync(schedule.Id))!.Enabled);
    }

    [Fact]
    public async Task ScheduleOfAnotherWorkflowOrTenant_IsNotFound_AndIsLeftAsItWas()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var otherWf = await _h.CreateWorkflowAsync(Counter);
        var schedule = await CreateAsync(wf, "* * * * *");
        var otherTenant = new TenantId("t2");
        var otherTenantsWf = (await Workflows.CreateAsync(otherTenant, JsonNode.Parse(Counter)!.AsObject(), ct: None)).Workflow.Id;

        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.GetAsync(Tenant, otherWf, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.UpdateAsync(Tenant, otherWf, schedule.Id, new ScheduleChange { Enabled = false }, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.DeleteAsync(Tenant, otherWf, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.GetAsync(otherTenant, otherTenantsWf, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.UpdateAsync(otherTenant, otherTenantsWf, schedule.Id, new ScheduleChange { Enabled = false }, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.DeleteAsync(otherTenant, otherTenantsWf, schedule.Id, None));
        await AssertCodeAsync(ErrorCodes.NotFound, () => _schedules.GetAsync(Tenant, wf, Guid.NewGuid(), None));

        Assert.Empty(await _schedules.ListAsync(Tenant, otherWf, None));
        Assert.Empty(await _schedules.ListAsync(otherTenant, otherTenantsWf, None));
        var kept = await _schedules.GetAsync(Tenant, wf, schedule.Id, None);
        Assert.True(kept.Enabled);
        Assert.Equal(schedule.NextDueAt, kept.NextDueAt);
    }

    [Fact]
    public async Task Update_InvalidCron_IsInvalidInput_AndTheScheduleKeepsFiringAsBefore()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var start = Now;
        var schedule = await CreateAsync(wf, "* * * * * *");

        await AssertCodeAsync(ErrorCodes.InvalidInput, () => _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { Cron = "0 0 30 2 *" }, None), "cron");
        await AssertCodeAsync(ErrorCodes.InvalidInput, () => _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { Cron = "1 2 3 4 5 6 7" }, None), "cron");
        await AssertCodeAsync(ErrorCodes.InvalidInput, () => _schedules.UpdateAsync(Tenant, wf, schedule.Id, new ScheduleChange { TimeZone = "Nowhere/Land" }, None), "time_zone");

        var kept = await StoredAsync(schedule.Id);
        Assert.Equal(("* * * * * *", "UTC", start.AddSeconds(1), schedule.UpdatedAt), (kept!.Cron, kept.TimeZone, kept.NextDueAt, kept.UpdatedAt));
        await TickAndWaitForAsync(wf, 1);
        await EngineHarness.QuietPeriodAsync();
        Assert.Equal(1, await CountAsync(wf));
    }

    [Fact]
    public async Task Create_BeyondTheLimitPerWorkflow_IsConflict()
    {
        var wf = await _h.CreateWorkflowAsync(Counter);
        var otherWf = await _h.CreateWorkflowAsync(Counter);
        for (var i = 0; i < ScheduleService.MaxPerWorkflow; i++)
            await CreateAsync(wf, "0 0 1 1 *");

        await AssertCodeAsync(ErrorCodes.Conflict, () => CreateAsync(wf, "0 0 1 1 *"));

        Assert.Equal(ScheduleService.MaxPerWorkflow, (await _schedules.ListAsync(Tenant, wf, None)).Count);
        Assert.NotNull(await CreateAsync(otherWf, "0 0 1 1 *"));
    }
}
