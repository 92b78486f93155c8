using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>test-execute with skip_time, events and inputs: long waits, retry backoff and time limits fire at once on
/// a virtual clock, and an approval flow runs to its end in one call. Runs its own server for the "flaky" step.</summary>
public sealed class TestRunTests : IAsyncLifetime
{
    private ChorusTestServer? _server;
    private readonly FlakyStep _flaky = new();
    private readonly string _tenant = ApiCalls.NewTenant();

    private HttpClient Client => _server!.Client;

    public async Task InitializeAsync() =>
        _server = await ChorusTestServer.StartAsync(registry => registry.Register(_flaky));

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }


    /// <summary>Two days of waiting, then a step retried after one hour and then two more.</summary>
    private static JsonObject LongFlow() => Definitions.Parse("""
        {
          "name": "long flow",
          "steps": [
            {"id": "cool_off", "type": "wait", "config": {"duration": "2d"}, "next": "charge"},
            {"id": "charge", "type": "flaky", "retry": {"max_attempts": 3, "initial_interval": "1h", "backoff_coefficient": 2, "max_interval": "2h", "jitter": 0}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"attempts": "{{charge.attempts}}"}}}
          ]
        }
        """);

    /// <summary>A person approves, a day passes, then the payment event arrives.</summary>
    private static JsonObject ApprovalFlow(string? timeout = null)
    {
        var definition = Definitions.Parse("""
            {
              "name": "approval",
              "steps": [
                {"id": "review", "type": "manualInput", "config": {"fields": [{"name": "decision", "type": "string", "required": true}]}, "next": "grace"},
                {"id": "grace", "type": "wait", "config": {"duration": "1d"}, "next": "paid"},
                {"id": "paid", "type": "wait", "config": {"event": "payment_received"}, "next": "done"},
                {"id": "done", "type": "output", "config": {"value": {"decision": "{{review.decision}}", "amount": "{{paid.amount}}"}}}
              ]
            }
            """);
        if (timeout is not null)
            definition["timeout"] = timeout;
        return definition;
    }

    private Task<ApiResponse> TestExecute(string workflowId, JsonObject body) =>
        Client.Post($"/api/workflows/{workflowId}/test-execute", _tenant, body);

    private static JsonObject Step(ApiResponse trace, string stepId, int attempt = 1) =>
        trace.Node("steps")!.AsArray().Single(s => s!["step_id"]!.GetValue<string>() == stepId && s["attempt"]!.GetValue<int>() == attempt)!.AsObject();

    private static DateTimeOffset Time(JsonNode step, string field) => DateTimeOffset.Parse(step[field]!.GetValue<string>());

    private static TimeSpan Between(JsonNode step, string from, string to) => Time(step, to) - Time(step, from);

    [Fact]
    public async Task SkipTime_TwoDayWaitAndHoursOfBackoff_CompletesInOneCallWithVirtualTimes()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, LongFlow());

        // Ten real seconds could never cover two days: only skipping time lets it complete.
        var trace = (await TestExecute(workflowId, new JsonObject { ["skip_time"] = true, ["timeout_seconds"] = 10 })).Expect(HttpStatusCode.OK);

        Assert.Equal("completed", trace.Str("status"));
        Assert.False(trace.Node("timed_out")!.GetValue<bool>());
        Assert.Equal(3, trace.Node("output.attempts")!.GetValue<int>());
        var skipped = TimeSpan.FromMilliseconds(trace.Node("virtual_time.skipped_ms")!.GetValue<long>());
        Assert.InRange(skipped, TimeSpan.FromDays(2) + TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2) + TimeSpan.FromHours(3));
        Assert.Equal(3, trace.Node("virtual_time.jumps")!.GetValue<int>());
        var wait = Step(trace, "cool_off");
        Assert.InRange(Between(wait, "virtual_started_at", "virtual_finished_at"), TimeSpan.FromDays(2), TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        Assert.True(Between(wait, "started_at", "finished_at") < TimeSpan.FromMinutes(1));
        // The second attempt starts an hour (virtual) after the first, the third two hours after the second.
        Assert.InRange(Between(Step(trace, "charge", 1), "virtual_started_at", "virtual_finished_at"), TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var first = Time(Step(trace, "charge", 1), "virtual_started_at");
        var second = Time(Step(trace, "charge", 2), "virtual_started_at");
        var third = Time(Step(trace, "charge", 3), "virtual_started_at");
        Assert.InRange(second - first, TimeSpan.FromHours(1), TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.InRange(third - second, TimeSpan.FromHours(2), TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task WithoutSkipTime_TwoDayWait_StopsWaiting()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, LongFlow());

        var trace = (await TestExecute(workflowId, new JsonObject { ["skip_time"] = false, ["timeout_seconds"] = 10 })).Expect(HttpStatusCode.OK);

        Assert.Equal("waiting", trace.Str("status"));
        Assert.Equal(0, trace.Node("virtual_time.skipped_ms")!.GetValue<long>());
        Assert.Equal(0, _flaky.Attempts);
    }

    [Fact]
    public async Task SkipTime_ProductionExecutionWaitingMeanwhile_KeepsItsRealDueTime()
    {
        var production = await Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "production wait", "steps": [
              {"id": "hold", "type": "wait", "config": {"duration": "2d"}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": {"ended": true}}}]}
            """));
        var productionId = await Client.Execute(_tenant, production);
        await Client.WaitForStatus(_tenant, productionId, "waiting");
        var tested = await Client.CreateWorkflow(_tenant, LongFlow());

        var trace = (await TestExecute(tested, new JsonObject { ["skip_time"] = true, ["timeout_seconds"] = 10 })).Expect(HttpStatusCode.OK);
        // Also a test run of the very same workflow: only the test execution's timers move.
        var sameWorkflow = (await TestExecute(production, new JsonObject { ["skip_time"] = true })).Expect(HttpStatusCode.OK);
        var after = (await Client.Get($"/api/executions/{productionId}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("completed", trace.Str("status"));
        Assert.Equal("completed", sameWorkflow.Str("status"));
        Assert.Equal("waiting", after.Str("status"));
        Assert.Null(after.Node("output"));
    }

    [Fact]
    public async Task SkipTime_ApprovalFlowGivenInputAndEvent_CompletesInOneCall()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, ApprovalFlow());
        var body = new JsonObject
        {
            ["skip_time"] = true,
            ["inputs"] = new JsonObject { ["review"] = new JsonObject { ["decision"] = "approve" } },
            ["events"] = new JsonArray(new JsonObject { ["name"] = "payment_received", ["data"] = new JsonObject { ["amount"] = 42 } }),
        };

        var trace = (await TestExecute(workflowId, body)).Expect(HttpStatusCode.OK);

        Assert.Equal("completed", trace.Str("status"));
        Assert.Equal("approve", trace.Str("output.decision"));
        Assert.Equal(42, trace.Node("output.amount")!.GetValue<int>());
        Assert.Empty(trace.Node("missing")!.AsArray());
        Assert.Empty(trace.Node("unused_events")!.AsArray());
        Assert.Empty(trace.Node("unused_inputs")!.AsArray());
        Assert.InRange(Between(Step(trace, "grace"), "virtual_started_at", "virtual_finished_at"), TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task SkipTime_EventNotGiven_AnswersWaitingForItInsteadOfTimingOut()
    {
        // The workflow's one-week limit is a timer too, but a run missing its event stops there rather than fail.
        var workflowId = await Client.CreateWorkflow(_tenant, ApprovalFlow(timeout: "7d"));
        var body = new JsonObject
        {
            ["skip_time"] = true,
            ["inputs"] = new JsonObject { ["review"] = new JsonObject { ["decision"] = "approve" } },
            ["events"] = new JsonArray(new JsonObject { ["name"] = "unrelated" }),
        };

        var trace = (await TestExecute(workflowId, body)).Expect(HttpStatusCode.OK);

        Assert.Equal("waiting", trace.Str("status"));
        Assert.False(trace.Node("timed_out")!.GetValue<bool>());
        var waits = trace.Node("missing")!.AsArray();
        Assert.Single(waits);
        Assert.Equal("paid", waits[0]!["step_id"]!.GetValue<string>());
        Assert.Equal("event", waits[0]!["kind"]!.GetValue<string>());
        Assert.Equal("payment_received", waits[0]!["name"]!.GetValue<string>());
        Assert.Equal("unrelated", trace.Str("unused_events.0"));
    }

    [Fact]
    public async Task SkipTime_WaitLongerThanTheWorkflowTimeout_FailsWithTimeoutAtOnce()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "too slow", "timeout": "1h", "steps": [
              {"id": "hold", "type": "wait", "config": {"duration": "2d"}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": {"ended": true}}}]}
            """));

        var trace = (await TestExecute(workflowId, new JsonObject { ["skip_time"] = true, ["timeout_seconds"] = 10 })).Expect(HttpStatusCode.OK);

        Assert.Equal("failed", trace.Str("status"));
        Assert.Equal("timeout", trace.Str("error.code"));
        Assert.InRange(TimeSpan.FromMilliseconds(trace.Node("virtual_time.skipped_ms")!.GetValue<long>()), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Inputs_NotMatchingTheStepSchema_Returns400()
    {
        var workflowId = await Client.CreateWorkflow(_tenant, ApprovalFlow());
        var body = new JsonObject { ["inputs"] = new JsonObject { ["review"] = new JsonObject { ["other"] = 1 } } };

        var answer = await TestExecute(workflowId, body);

        answer.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }
}
