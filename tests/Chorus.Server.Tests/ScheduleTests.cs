using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Schedules;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class ScheduleTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string EverySecond = "* * * * * *";
    // 1 January at midnight: never due while a test runs, so a listed schedule stays exactly as it was.
    private const string Yearly = "0 0 1 1 *";

    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private static string SchedulesOf(string workflowId) => $"/api/workflows/{workflowId}/schedules";

    [Fact]
    public async Task Schedule_EverySecond_StartsExecutionsWithItsInputAndTriggerUntilDisabled()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho(inputSchema: Definitions.NameSchema()));
        var input = new JsonObject { ["name"] = "cron", ["n"] = 7 };

        var created = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = EverySecond, ["input"] = input.DeepClone() }))
            .Expect(HttpStatusCode.Created);
        var scheduleId = created.Str("id")!;
        var runs = await WaitForCompletedRuns(workflowId, 2);

        Assert.All(runs, run =>
        {
            Assert.True(JsonNode.DeepEquals(input, run["input"]), run.ToJsonString());
            Assert.True(JsonNode.DeepEquals(input, run["output"]?["input"]), run.ToJsonString());
            Assert.Equal("schedule", run["output"]?["trigger"]?["type"]?.GetValue<string>());
            Assert.Equal(scheduleId, run["output"]?["trigger"]?["schedule_id"]?.GetValue<string>());
        });
        var occurrences = runs.Select(r => Time(r["output"]!["trigger"]!["scheduled_for"]!.GetValue<string>())).ToList();
        Assert.All(occurrences, o => Assert.Equal(0, o.Millisecond));
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());

        var shown = (await _client.Get($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant)).Expect(HttpStatusCode.OK);
        var executionIds = (await ListRuns(workflowId)).Select(r => r["id"]!.GetValue<string>()).ToList();
        Assert.Contains(shown.Str("last_execution_id"), executionIds);
        Assert.NotNull(shown.Str("last_run_at"));
        // The next occurrence is after every occurrence already run (the clock may have passed it since).
        Assert.True(Time(shown.Str("next_run_at")!) > occurrences.Max(), shown.Text);

        var disabled = (await _client.Patch($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant, new JsonObject { ["enabled"] = false }))
            .Expect(HttpStatusCode.OK);
        Assert.False(disabled.Node("enabled")!.GetValue<bool>());
        Assert.Null(disabled.Node("next_run_at"));
        // An occurrence committed before the PATCH is listed now; none may start after it.
        var countAfterDisable = (await ListRuns(workflowId)).Count;
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(countAfterDisable, (await ListRuns(workflowId)).Count);
        var stillDisabled = (await _client.Get($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Null(stillDisabled.Node("next_run_at"));

        (await _client.Delete($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant)).Expect(HttpStatusCode.NoContent);
        var gone = await _client.Get($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant);
        var list = (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK);

        AssertError(gone, HttpStatusCode.NotFound, "not_found");
        Assert.Empty(list.Node("items")!.AsArray());
        Assert.Equal(0, list.Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task Schedule_DraftWorkflow_StartsNothingUntilActivated()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho(status: "draft"));

        var created = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = EverySecond }))
            .Expect(HttpStatusCode.Created);
        var scheduleId = created.Str("id")!;
        Assert.NotNull(created.Str("next_run_at"));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var whileDraft = await ListRuns(workflowId);
        var shownWhileDraft = (await _client.Get($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Empty(whileDraft);
        Assert.Null(shownWhileDraft.Node("last_execution_id"));
        Assert.Null(shownWhileDraft.Node("last_run_at"));
        Assert.True(shownWhileDraft.Node("enabled")!.GetValue<bool>());

        (await _client.Patch($"/api/workflows/{workflowId}", _tenant, new JsonObject { ["status"] = "active" })).Expect(HttpStatusCode.OK);
        var runs = await WaitForCompletedRuns(workflowId, 1);
        (await _client.Delete($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant)).Expect(HttpStatusCode.NoContent);

        Assert.All(runs, run => Assert.Equal(scheduleId, run["output"]?["trigger"]?["schedule_id"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Schedule_CreateGetListPatch_RoundTripsEveryField()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var input = new JsonObject { ["region"] = "eu", ["ids"] = new JsonArray(1, 2, 3) };

        var first = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject
        {
            ["cron"] = "0 9 * * 1-5",
            ["time_zone"] = "Europe/Paris",
            ["input"] = input.DeepClone(),
            ["enabled"] = true,
        })).Expect(HttpStatusCode.Created);
        var second = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = "@daily" })).Expect(HttpStatusCode.Created);
        var third = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = Yearly, ["enabled"] = false }))
            .Expect(HttpStatusCode.Created);

        var firstId = first.Str("id")!;
        Assert.True(Guid.TryParse(firstId, out _), first.Text);
        Assert.Equal($"{SchedulesOf(workflowId)}/{firstId}", first.Location);
        Assert.Equal(workflowId, first.Str("workflow_id"));
        Assert.Equal("0 9 * * 1-5", first.Str("cron"));
        Assert.Equal("Europe/Paris", first.Str("time_zone"));
        Assert.True(JsonNode.DeepEquals(input, first.Node("input")), first.Text);
        Assert.True(first.Node("enabled")!.GetValue<bool>());
        Assert.Null(first.Node("last_run_at"));
        Assert.Null(first.Node("last_execution_id"));
        Assert.Equal(first.Str("created_at"), first.Str("updated_at"));
        AssertLocalTime(first.Str("next_run_at")!, "Europe/Paris", 9, 0, weekdaysOnly: true);

        Assert.Equal("UTC", second.Str("time_zone"));
        Assert.Null(second.Node("input"));
        Assert.True(second.Node("enabled")!.GetValue<bool>());
        AssertLocalTime(second.Str("next_run_at")!, "UTC", 0, 0, weekdaysOnly: false);

        Assert.False(third.Node("enabled")!.GetValue<bool>());
        Assert.Null(third.Node("next_run_at"));

        var got = (await _client.Get($"{SchedulesOf(workflowId)}/{firstId}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(first.Body, got.Body), $"{first.Text}\n{got.Text}");

        var list = (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(3, list.Node("total")!.GetValue<int>());
        // Listed by creation time, then id: schedules created in the same millisecond come in the order of their ids.
        var created = new[] { first, second, third }.OrderBy(r => Time(r.Str("created_at")!)).ThenBy(r => r.Str("id"), StringComparer.Ordinal);
        Assert.Equal(created.Select(r => r.Str("id")!).ToArray(),
            list.Node("items")!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToArray());
        Assert.True(JsonNode.DeepEquals(second.Body, list.Node("items")!.AsArray().Single(i => i!["id"]!.GetValue<string>() == second.Str("id"))), list.Text);

        var secondPath = $"{SchedulesOf(workflowId)}/{second.Str("id")}";
        var recron = (await _client.Patch(secondPath, _tenant, new JsonObject { ["cron"] = "30 6 * * *" })).Expect(HttpStatusCode.OK);
        Assert.Equal("30 6 * * *", recron.Str("cron"));
        Assert.NotEqual(second.Str("next_run_at"), recron.Str("next_run_at"));
        AssertLocalTime(recron.Str("next_run_at")!, "UTC", 6, 30, weekdaysOnly: false);
        Assert.Equal("UTC", recron.Str("time_zone"));
        Assert.True(recron.Node("enabled")!.GetValue<bool>());
        Assert.Equal(second.Str("created_at"), recron.Str("created_at"));
        Assert.True(Time(recron.Str("updated_at")!) >= Time(second.Str("updated_at")!), recron.Text);

        var firstPath = $"{SchedulesOf(workflowId)}/{firstId}";
        var cleared = (await _client.Patch(firstPath, _tenant, new JsonObject { ["input"] = null })).Expect(HttpStatusCode.OK);
        Assert.Null(cleared.Node("input"));
        Assert.Equal("0 9 * * 1-5", cleared.Str("cron"));
        Assert.Equal("Europe/Paris", cleared.Str("time_zone"));
        Assert.Null((await _client.Get(firstPath, _tenant)).Expect(HttpStatusCode.OK).Node("input"));

        var rezoned = (await _client.Patch(firstPath, _tenant, new JsonObject { ["time_zone"] = "America/New_York" })).Expect(HttpStatusCode.OK);
        Assert.Equal("America/New_York", rezoned.Str("time_zone"));
        AssertLocalTime(rezoned.Str("next_run_at")!, "America/New_York", 9, 0, weekdaysOnly: true);

        var thirdPath = $"{SchedulesOf(workflowId)}/{third.Str("id")}";
        var enabled = (await _client.Patch(thirdPath, _tenant, new JsonObject { ["enabled"] = true })).Expect(HttpStatusCode.OK);
        Assert.True(enabled.Node("enabled")!.GetValue<bool>());
        AssertLocalTime(enabled.Str("next_run_at")!, "UTC", 0, 0, weekdaysOnly: false);
        Assert.Equal(1, Time(enabled.Str("next_run_at")!).Day);
        Assert.Equal(1, Time(enabled.Str("next_run_at")!).Month);

        var after = (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(3, after.Node("total")!.GetValue<int>());
        // Updates keep the listing order (creation time, then id), which two schedules made in one millisecond can tie on.
        var afterItems = after.Node("items")!.AsArray();
        Assert.Equal(created.Select(r => r.Str("id")!).ToArray(), afterItems.Select(i => i!["id"]!.GetValue<string>()).ToArray());
        Assert.True(JsonNode.DeepEquals(recron.Body, afterItems.Single(i => i!["id"]!.GetValue<string>() == second.Str("id"))), after.Text);
        Assert.True(JsonNode.DeepEquals(rezoned.Body, afterItems.Single(i => i!["id"]!.GetValue<string>() == firstId)), after.Text);
    }

    [Fact]
    public async Task Update_NullMembers_KeepWhatTheScheduleHas()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var created = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject
        {
            ["cron"] = "15 4 * * *",
            ["time_zone"] = "Asia/Tokyo",
            ["enabled"] = false,
        })).Expect(HttpStatusCode.Created);
        var path = $"{SchedulesOf(workflowId)}/{created.Str("id")}";

        var patched = (await _client.Patch(path, _tenant, new JsonObject { ["cron"] = null, ["time_zone"] = null, ["enabled"] = null }))
            .Expect(HttpStatusCode.OK);
        var shown = (await _client.Get(path, _tenant)).Expect(HttpStatusCode.OK);

        foreach (var schedule in new[] { patched, shown })
        {
            Assert.Equal("15 4 * * *", schedule.Str("cron"));
            Assert.Equal("Asia/Tokyo", schedule.Str("time_zone"));
            Assert.False(schedule.Node("enabled")!.GetValue<bool>(), schedule.Text);
            Assert.Null(schedule.Node("next_run_at"));
        }
    }

    private static readonly string LongCron = string.Concat(Enumerable.Repeat("* ", 5000));

    /// <summary>Bodies refused on create and on update: name, body, expected status, code and details.field.</summary>
    public static TheoryData<string, string, int, string, string?> BadBodies => new()
    {
        { "empty body", "", 400, "invalid_input", null },
        { "array", "[1]", 400, "invalid_input", null },
        { "string", "\"@daily\"", 400, "invalid_input", null },
        { "null", "null", 400, "invalid_input", null },
        { "invalid json", "{\"cron\": ", 400, "invalid_input", null },
        { "trailing garbage", "{\"cron\": \"@daily\"} x", 400, "invalid_input", null },
        { "cron a number", """{"cron": 5}""", 400, "invalid_input", "cron" },
        { "cron an object", """{"cron": {"m": 1}}""", 400, "invalid_input", "cron" },
        { "cron empty", """{"cron": "  "}""", 400, "invalid_input", "cron" },
        { "cron 4 fields", """{"cron": "* * * *"}""", 400, "invalid_input", "cron" },
        { "cron 7 fields", """{"cron": "* * * * * * *"}""", 400, "invalid_input", "cron" },
        { "cron minute 61", """{"cron": "61 * * * *"}""", 400, "invalid_input", "cron" },
        { "cron 30 february", """{"cron": "0 0 30 2 *", "input": {"name": "fine"}}""", 400, "invalid_input", "cron" },
        { "cron unknown macro", """{"cron": "@fortnightly"}""", 400, "invalid_input", "cron" },
        { "cron 10000 characters", $$"""{"cron": "{{LongCron}}"}""", 400, "invalid_input", "cron" },
        { "time_zone Mars/Base", """{"cron": "@daily", "time_zone": "Mars/Base"}""", 400, "invalid_input", "time_zone" },
        { "time_zone a number", """{"cron": "@daily", "time_zone": 2}""", 400, "invalid_input", "time_zone" },
        { "time_zone empty", """{"cron": "@daily", "time_zone": ""}""", 400, "invalid_input", "time_zone" },
        { "enabled yes", """{"cron": "@daily", "enabled": "yes"}""", 400, "invalid_input", "enabled" },
        { "enabled 1", """{"cron": "@daily", "enabled": 1}""", 400, "invalid_input", "enabled" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_BadBody_Returns400AndCreatesNothing(string name, string body, int status, string code, string? field)
    {
        var (workflowId, _, before) = await WorkflowWithOneSchedule();

        var response = await SendRaw(HttpMethod.Post, SchedulesOf(workflowId), body);

        AssertError(response, (HttpStatusCode)status, code, field, name);
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Update_BadBody_Returns400AndChangesNothing(string name, string body, int status, string code, string? field)
    {
        var (workflowId, scheduleId, before) = await WorkflowWithOneSchedule();

        var response = await SendRaw(HttpMethod.Patch, $"{SchedulesOf(workflowId)}/{scheduleId}", body);

        AssertError(response, (HttpStatusCode)status, code, field, name);
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task Create_WithoutCron_Returns400NamingCron()
    {
        var (workflowId, _, before) = await WorkflowWithOneSchedule();

        var missing = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["time_zone"] = "UTC", ["enabled"] = false });
        var nullCron = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = null });
        var emptyObject = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject());

        AssertError(missing, HttpStatusCode.BadRequest, "invalid_input", "cron");
        AssertError(nullCron, HttpStatusCode.BadRequest, "invalid_input", "cron");
        AssertError(emptyObject, HttpStatusCode.BadRequest, "invalid_input", "cron");
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task CreateAndUpdate_NeverFiringCronWhileDisabled_Return400NamingCron()
    {
        // A cron with no next occurrence is refused whether or not the schedule is enabled: stored disabled, it
        // could never be enabled again.
        var (workflowId, scheduleId, before) = await WorkflowWithOneSchedule();

        var created = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject
        {
            ["cron"] = "0 0 30 2 *",
            ["enabled"] = false,
            ["input"] = new JsonObject { ["name"] = "fine" },
        });
        var updated = await _client.Patch($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant, new JsonObject
        {
            ["cron"] = "0 0 31 4 *",
            ["enabled"] = false,
        });

        AssertError(created, HttpStatusCode.BadRequest, "invalid_input", "cron");
        AssertError(updated, HttpStatusCode.BadRequest, "invalid_input", "cron");
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task CreateAndUpdate_UnknownField_Return400NamingTheField()
    {
        var (workflowId, scheduleId, before) = await WorkflowWithOneSchedule();

        var created = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = "@daily", ["colour"] = "red" });
        var updated = await _client.Patch($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant, new JsonObject { ["enabled"] = false, ["cronn"] = "@daily" });

        AssertError(created, HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal(["colour"], created.Node("error.details.fields")!.AsArray().Select(f => f!.GetValue<string>()).ToArray());
        AssertError(updated, HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal(["cronn"], updated.Node("error.details.fields")!.AsArray().Select(f => f!.GetValue<string>()).ToArray());
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task CreateAndUpdate_InputBreaksInputSchema_Return400WithErrorPaths()
    {
        var (workflowId, scheduleId, before) = await WorkflowWithOneSchedule();
        var badInput = new JsonObject { ["n"] = "seven" };

        var created = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = "@daily", ["input"] = badInput.DeepClone() });
        var updated = await _client.Patch($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant, new JsonObject { ["input"] = badInput.DeepClone() });
        var cleared = await _client.Patch($"{SchedulesOf(workflowId)}/{scheduleId}", _tenant, new JsonObject { ["input"] = null });

        foreach (var response in new[] { created, updated, cleared })
        {
            AssertError(response, HttpStatusCode.BadRequest, "invalid_input");
            Assert.NotEmpty(response.Node("error.details.errors")!.AsArray());
        }
        var paths = created.Node("error.details.errors")!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.Contains(paths, p => p.Contains('n', StringComparison.Ordinal));
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task ScheduleRoutes_WorkflowIdNotUuidOrUnknown_Return404WorkflowNotFound()
    {
        var (workflowId, scheduleId, before) = await WorkflowWithOneSchedule();

        foreach (var wf in new[] { "xyz", Guid.NewGuid().ToString() })
        {
            var responses = new[]
            {
                await _client.Post(SchedulesOf(wf), _tenant, new JsonObject { ["cron"] = "@daily" }),
                await _client.Get(SchedulesOf(wf), _tenant),
                await _client.Get($"{SchedulesOf(wf)}/{scheduleId}", _tenant),
                await _client.Patch($"{SchedulesOf(wf)}/{scheduleId}", _tenant, new JsonObject { ["enabled"] = false }),
                await _client.Delete($"{SchedulesOf(wf)}/{scheduleId}", _tenant),
            };

            Assert.All(responses, r => AssertError(r, HttpStatusCode.NotFound, "workflow_not_found", context: wf));
        }
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task ScheduleRoutes_ScheduleIdNotUuidOrUnknown_Return404NotFound()
    {
        var (workflowId, _, before) = await WorkflowWithOneSchedule();

        foreach (var id in new[] { "xyz", "1", Guid.NewGuid().ToString() })
        {
            var responses = new[]
            {
                await _client.Get($"{SchedulesOf(workflowId)}/{id}", _tenant),
                await _client.Patch($"{SchedulesOf(workflowId)}/{id}", _tenant, new JsonObject { ["enabled"] = false }),
                await _client.Delete($"{SchedulesOf(workflowId)}/{id}", _tenant),
            };

            Assert.All(responses, r => AssertError(r, HttpStatusCode.NotFound, "not_found", context: id));
        }
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task ScheduleRoutes_ScheduleOfAnotherWorkflow_Return404NotFoundAndLeaveItUnchanged()
    {
        var (workflowId, scheduleId, before) = await WorkflowWithOneSchedule();
        var otherWorkflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var path = $"{SchedulesOf(otherWorkflowId)}/{scheduleId}";

        var responses = new[]
        {
            await _client.Get(path, _tenant),
            await _client.Patch(path, _tenant, new JsonObject { ["enabled"] = false, ["cron"] = "@hourly" }),
            await _client.Delete(path, _tenant),
        };
        var otherList = (await _client.Get(SchedulesOf(otherWorkflowId), _tenant)).Expect(HttpStatusCode.OK);

        Assert.All(responses, r => AssertError(r, HttpStatusCode.NotFound, "not_found"));
        Assert.Equal(0, otherList.Node("total")!.GetValue<int>());
        Assert.Equal(before, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task Create_BeyondMaxPerWorkflow_Returns409ConflictAndKeepsTheLimit()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        for (var i = 0; i < ScheduleService.MaxPerWorkflow; i++)
            (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = $"{i % 60} 3 * * *", ["enabled"] = false }))
                .Expect(HttpStatusCode.Created);
        var before = (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK);

        var refused = await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject { ["cron"] = "@daily", ["enabled"] = false });
        var otherWorkflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho());
        var elsewhere = await _client.Post(SchedulesOf(otherWorkflowId), _tenant, new JsonObject { ["cron"] = "@daily", ["enabled"] = false });

        AssertError(refused, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(ScheduleService.MaxPerWorkflow, refused.Node("error.details.limit")!.GetValue<int>());
        Assert.Equal(ScheduleService.MaxPerWorkflow, before.Node("total")!.GetValue<int>());
        Assert.Equal(before.Text, (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK).Text);
        elsewhere.Expect(HttpStatusCode.Created);
    }

    /// <summary>A workflow with an input_schema and one schedule that is not due during a test, and the schedule
    /// list as it stands.</summary>
    private async Task<(string WorkflowId, string ScheduleId, string List)> WorkflowWithOneSchedule()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.TriggerEcho(inputSchema: Definitions.NameSchema()));
        var created = (await _client.Post(SchedulesOf(workflowId), _tenant, new JsonObject
        {
            ["cron"] = Yearly,
            ["time_zone"] = "Asia/Tokyo",
            ["input"] = new JsonObject { ["name"] = "kept" },
        })).Expect(HttpStatusCode.Created);
        var list = (await _client.Get(SchedulesOf(workflowId), _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(1, list.Node("total")!.GetValue<int>());
        return (workflowId, created.Str("id")!, list.Text);
    }

    private Task<ApiResponse> SendRaw(HttpMethod method, string path, string body) =>
        _client.Send(method, path, _tenant, ApiCalls.Raw(Encoding.UTF8.GetBytes(body), "application/json"));

    private async Task<List<JsonNode>> ListRuns(string workflowId)
    {
        var list = (await _client.Get($"/api/workflows/{workflowId}/executions?page_size=200", _tenant)).Expect(HttpStatusCode.OK);
        return list.Node("items")!.AsArray().Select(i => i!).ToList();
    }

    /// <summary>Polls the workflow's executions until <paramref name="count"/> have completed (at most 15 s) and
    /// returns the completed ones. Never asserts how long it took.</summary>
    private async Task<List<JsonNode>> WaitForCompletedRuns(string workflowId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<JsonNode> runs = [];
        while (DateTime.UtcNow < deadline)
        {
            runs = await ListRuns(workflowId);
            var completed = runs.Where(r => r["status"]?.GetValue<string>() == "completed").ToList();
            if (completed.Count >= count)
                return completed;
            await Task.Delay(100);
        }
        Assert.Fail($"Fewer than {count} executions of {workflowId} completed; last: {new JsonArray(runs.Select(r => r.DeepClone()).ToArray()).ToJsonString()}");
        return runs;
    }

    /// <summary>The status, the code and the whole error shape: message, details object, request id equal to the
    /// X-Request-ID header, no stack trace; and details.field when one is named.</summary>
    private static void AssertError(ApiResponse response, HttpStatusCode status, string code, string? field = null, string? context = null)
    {
        var label = context is null ? response.Text : $"{context}: {response.Text}";
        Assert.True(status == response.Status, $"expected {(int)status}, got {(int)response.Status}: {label}");
        Assert.True(code == response.Str("error.code"), $"expected {code}: {label}");
        Assert.False(string.IsNullOrWhiteSpace(response.Str("error.message")), label);
        Assert.IsType<JsonObject>(response.Node("error.details"));
        var requestId = response.Str("error.request_id");
        Assert.False(string.IsNullOrWhiteSpace(requestId), label);
        Assert.Equal(response.RequestId, requestId);
        Assert.DoesNotContain("Exception", response.Text, StringComparison.Ordinal);
        if (field is not null)
            Assert.True(field == response.Str("error.details.field"), $"expected details.field {field}: {label}");
    }

    private static DateTimeOffset Time(string iso)
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", iso);
        return DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static void AssertLocalTime(string iso, string zone, int hour, int minute, bool weekdaysOnly)
    {
        var utc = Time(iso);
        Assert.True(utc > DateTimeOffset.UtcNow.AddMinutes(-1), iso);
        var local = TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.FindSystemTimeZoneById(zone));
        Assert.True((hour, minute, 0) == (local.Hour, local.Minute, local.Second), $"{iso} is {local:O} in {zone}");
        if (weekdaysOnly)
            Assert.True(local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"{iso} is a {local.DayOfWeek} in {zone}");
    }
}
