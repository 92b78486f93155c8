using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Tiers;

/// <summary>A server whose tenants are on the free tier unless the operator says otherwise.</summary>
public sealed class FreeTierServer : IAsyncLifetime
{
    private ChorusTestServer? _server;

    public HttpClient Client => _server!.Client;
    public IServiceProvider Services => _server!.Services;

    public async Task InitializeAsync() => _server = await ChorusTestServer.StartAsync(configure: o => o with { DefaultTier = "free" });

    public async Task DisposeAsync() => await _server!.DisposeAsync();
}

public sealed class TierTests(FreeTierServer server) : IClassFixture<FreeTierServer>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    private Task<ApiResponse> AsOperator(HttpMethod method, string path, JsonNode? body = null) =>
        _client.Send(method, path, _tenant, body is null ? null : ApiCalls.Json(body),
            headers: [new("Authorization", $"Bearer {TestTokens.For(_tenant, Role.Operator)}")]);

    private static JsonObject Steps(int count, string type = "addField")
    {
        var steps = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var step = new JsonObject { ["id"] = $"s{i}", ["type"] = type, ["config"] = new JsonObject { ["field"] = $"f{i}", ["value"] = i } };
            if (i + 1 < count)
                step["next"] = $"s{i + 1}";
            steps.Add(step);
        }
        return new JsonObject { ["name"] = $"{count} steps", ["status"] = "active", ["steps"] = steps };
    }

    private static void AssertTierRefusal(ApiResponse response, string limit)
    {
        response.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal("free", response.Str("error.details.tier"));
        Assert.Equal(limit, response.Str("error.details.limit"));
    }

    [Fact]
    public async Task SixthWorkflow_OnTheFreeTier_IsRefusedWithLimitAndUsage_AndNotCreated()
    {
        for (var i = 0; i < 5; i++)
            await _client.CreateWorkflow(_tenant, Definitions.Greeting($"wf{i}"));

        var sixth = await _client.Post("/api/workflows", _tenant, Definitions.Greeting("sixth"));

        AssertTierRefusal(sixth, "max_workflows");
        Assert.Equal(5, sixth.Node("error.details.allowed")!.GetValue<int>());
        Assert.Equal(5, sixth.Node("error.details.current")!.GetValue<int>());
        Assert.Equal(5, (await _client.Get("/api/workflows", _tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task TooManySteps_OrAStepTypeOutsideTheTier_IsRefused_OnCreateAndOnSave()
    {
        var eleven = await _client.Post("/api/workflows", _tenant, Steps(11));
        var loop = await _client.Post("/api/workflows", _tenant, Definitions.Parse("""
            {"name": "loop", "steps": [{"id": "each", "type": "foreach", "config": {"items": [1, 2], "step": {"type": "comment", "config": {"text": "x"}}}}]}
            """));
        var id = await _client.CreateWorkflow(_tenant, Steps(10));
        var grown = await _client.Put($"/api/workflows/{id}", _tenant, Steps(11));

        AssertTierRefusal(eleven, "max_steps_per_workflow");
        Assert.Equal(11, eleven.Node("error.details.current")!.GetValue<int>());
        AssertTierRefusal(loop, "step_types");
        Assert.Equal("foreach", loop.Node("error.details.not_allowed")!.AsArray().Single()!.GetValue<string>());
        AssertTierRefusal(grown, "max_steps_per_workflow");
        Assert.Equal(1, (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK).Node("current_version")!.GetValue<int>());
    }

    [Fact]
    public async Task Schedules_AndVersionHistory_AreNotInTheFreeTier_TheCurrentVersionIs()
    {
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        (await _client.Put($"/api/workflows/{id}", _tenant, Definitions.Greeting("renamed"))).Expect(HttpStatusCode.OK);

        var schedule = await _client.Post($"/api/workflows/{id}/schedules", _tenant, new JsonObject { ["cron"] = "@hourly" });
        var versions = await _client.Get($"/api/workflows/{id}/versions", _tenant);
        var old = await _client.Get($"/api/workflows/{id}/versions/1", _tenant);
        var current = await _client.Get($"/api/workflows/{id}/versions/2", _tenant);
        var revert = await _client.Post($"/api/workflows/{id}/versions/1/revert", _tenant);

        AssertTierRefusal(schedule, "schedules");
        AssertTierRefusal(versions, "versioning");
        AssertTierRefusal(old, "versioning");
        current.Expect(HttpStatusCode.OK);
        AssertTierRefusal(revert, "versioning");
        Assert.Empty((await _client.Get($"/api/workflows/{id}/schedules", _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());
        Assert.Equal(2, (await _client.Get($"/api/workflows/{id}", _tenant)).Node("current_version")!.GetValue<int>());
    }

    [Fact]
    public async Task OperatorDefinesATierAndAssignsIt_ExecutionsPerDayAreCounted_AndUsageShowsThem()
    {
        (await AsOperator(HttpMethod.Put, "/api/tiers/tiny", new JsonObject { ["max_executions_per_day"] = 2, ["versioning"] = "none" }))
            .Expect(HttpStatusCode.OK);
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "tiny" })).Expect(HttpStatusCode.OK);
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        await _client.Execute(_tenant, id, new JsonObject { ["name"] = "a" });
        (await _client.Post($"/api/workflows/{id}/test-execute", _tenant, new JsonObject { ["input"] = new JsonObject { ["name"] = "b" } })).Expect(HttpStatusCode.OK);

        var third = await _client.Post($"/api/workflows/{id}/execute", _tenant, new JsonObject { ["input"] = new JsonObject { ["name"] = "c" } });
        var usage = (await _client.Get("/api/usage", _tenant)).Expect(HttpStatusCode.OK);

        third.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal(("tiny", "max_executions_per_day", 2, 2),
            (third.Str("error.details.tier"), third.Str("error.details.limit"), third.Node("error.details.allowed")!.GetValue<int>(), third.Node("error.details.current")!.GetValue<int>()));
        Assert.Equal("tiny", usage.Str("tier"));
        Assert.Equal(2, usage.Node("usage.executions_today")!.GetValue<int>());
        Assert.Equal(1, usage.Node("usage.workflows")!.GetValue<int>());
        Assert.Equal(2, usage.Node("limits.max_executions_per_day")!.GetValue<int>());
        Assert.Null(usage.Node("limits.max_workflows"));
    }

    [Fact]
    public async Task OnlyTheOperator_ChangesTiers_AndBadTiersAreRefused()
    {
        var adminDefines = await _client.Put("/api/tiers/mine", _tenant, new JsonObject { ["max_workflows"] = 1000 });
        var adminUpgrades = await _client.Put($"/api/tenants/{_tenant}/tier", _tenant, new JsonObject { ["tier"] = "enterprise" });
        var adminReadsOthers = await _client.Get($"/api/tenants/{ApiCalls.NewTenant()}/usage", _tenant);
        var unknownLimit = await AsOperator(HttpMethod.Put, "/api/tiers/odd", new JsonObject { ["max_widgets"] = 1 });
        var negative = await AsOperator(HttpMethod.Put, "/api/tiers/odd", new JsonObject { ["max_workflows"] = -1 });
        var unknownTier = await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "platinum" });
        var tiers = (await _client.Get("/api/tiers", _tenant)).Expect(HttpStatusCode.OK);

        adminDefines.ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        adminUpgrades.ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        adminReadsOthers.ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        unknownLimit.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        negative.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        unknownTier.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        var names = tiers.Node("items")!.AsArray().Select(t => (string?)t!["name"]).ToList();
        Assert.DoesNotContain("mine", names);
        Assert.DoesNotContain("odd", names);
        Assert.Equal("free", tiers.Str("default_tier"));
        Assert.Equal("free", (await _client.Get("/api/usage", _tenant)).Str("tier"));
    }

    [Fact]
    public async Task ScheduleRunningMoreOftenThanTheTierAllows_IsRefused_OnCreateAndOnChange()
    {
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "professional" })).Expect(HttpStatusCode.OK);
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var everySecond = await _client.Post($"/api/workflows/{id}/schedules", _tenant, new JsonObject { ["cron"] = "* * * * * *" });
        var everyFiveMinutes = (await _client.Post($"/api/workflows/{id}/schedules", _tenant, new JsonObject { ["cron"] = "*/5 * * * *" }))
            .Expect(HttpStatusCode.Created);
        var scheduleId = everyFiveMinutes.Str("id");
        var faster = await _client.Patch($"/api/workflows/{id}/schedules/{scheduleId}", _tenant, new JsonObject { ["cron"] = "0,30 * * * * *" });
        var burst = await _client.Patch($"/api/workflows/{id}/schedules/{scheduleId}", _tenant, new JsonObject { ["cron"] = "0 0,1 * * *" });
        var hourly = await _client.Patch($"/api/workflows/{id}/schedules/{scheduleId}", _tenant, new JsonObject { ["cron"] = "0 * * * *" });

        everySecond.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal(("min_schedule_interval_seconds", 60, 1),
            (everySecond.Str("error.details.limit"), everySecond.Node("error.details.allowed")!.GetValue<int>(), everySecond.Node("error.details.current")!.GetValue<int>()));
        faster.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal(30, faster.Node("error.details.current")!.GetValue<int>());
        burst.Expect(HttpStatusCode.OK);
        hourly.Expect(HttpStatusCode.OK);
        var schedules = (await _client.Get($"/api/workflows/{id}/schedules", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("0 * * * *", schedules.Node("items")!.AsArray().Single()!["cron"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpgradedTenant_GetsTheNewLimitsAtOnce()
    {
        for (var i = 0; i < 5; i++)
            await _client.CreateWorkflow(_tenant, Definitions.Greeting($"wf{i}"));
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "professional" })).Expect(HttpStatusCode.OK);

        var sixth = await _client.Post("/api/workflows", _tenant, Definitions.Greeting("sixth"));
        var loop = await _client.Post("/api/workflows", _tenant, Definitions.Parse("""
            {"name": "loop", "steps": [{"id": "each", "type": "foreach", "config": {"items": [1, 2], "step": {"type": "comment", "config": {"text": "x"}}}}]}
            """));

        sixth.Expect(HttpStatusCode.Created);
        loop.Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Revert_ToAVersionTheTenantsTierNoLongerAllows_IsRefused_AndChangesNothing()
    {
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "professional" })).Expect(HttpStatusCode.OK);
        var id = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "loop", "status": "active", "steps": [{"id": "each", "type": "foreach", "config": {"items": [1, 2], "step": {"type": "comment", "config": {"text": "x"}}}}]}
            """));
        (await _client.Put($"/api/workflows/{id}", _tenant, Steps(12))).Expect(HttpStatusCode.OK);
        (await _client.Put($"/api/workflows/{id}", _tenant, Steps(2))).Expect(HttpStatusCode.OK);
        (await AsOperator(HttpMethod.Put, "/api/tiers/narrow", new JsonObject
        {
            ["versioning"] = "basic",
            ["max_steps_per_workflow"] = 10,
            ["step_types"] = new JsonArray("comment", "addField"),
        })).Expect(HttpStatusCode.OK);
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "narrow" })).Expect(HttpStatusCode.OK);

        var toLoop = await _client.Post($"/api/workflows/{id}/versions/1/revert", _tenant);
        var toTwelve = await _client.Post($"/api/workflows/{id}/versions/2/revert", _tenant);

        toLoop.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal(("narrow", "step_types"), (toLoop.Str("error.details.tier"), toLoop.Str("error.details.limit")));
        Assert.Equal("foreach", toLoop.Node("error.details.not_allowed")!.AsArray().Single()!.GetValue<string>());
        toTwelve.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal(("narrow", "max_steps_per_workflow", 12), (toTwelve.Str("error.details.tier"), toTwelve.Str("error.details.limit"),
            toTwelve.Node("error.details.current")!.GetValue<int>()));
        var workflow = (await _client.Get($"/api/workflows/{id}", _tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(3, workflow.Node("current_version")!.GetValue<int>());
        Assert.Equal(3, (await _client.Get($"/api/workflows/{id}/versions", _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray().Count);
    }

    [Fact]
    public async Task RepeatedStart_WithTheSameIdempotencyKey_AtTheDailyLimit_ReplaysTheFirstExecution_ANewStartIsRefused()
    {
        (await AsOperator(HttpMethod.Put, "/api/tiers/two-a-day", new JsonObject { ["max_executions_per_day"] = 2 })).Expect(HttpStatusCode.OK);
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "two-a-day" })).Expect(HttpStatusCode.OK);
        var id = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        Task<ApiResponse> Start(string route, string key, string name) => _client.Send(HttpMethod.Post, $"/api/workflows/{id}/{route}", _tenant,
            ApiCalls.Json(new JsonObject { ["input"] = new JsonObject { ["name"] = name } }), headers: [new("Idempotency-Key", key)]);
        var first = (await Start("execute", "first", "a")).Expect(HttpStatusCode.Accepted);
        var firstTest = (await Start("test-execute", "first-test", "b")).Expect(HttpStatusCode.OK);

        var again = await Start("execute", "first", "a");
        var againTest = await Start("test-execute", "first-test", "b");
        var another = await Start("execute", "another", "c");

        again.Expect(HttpStatusCode.OK);
        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal("true", again.Headers.GetValueOrDefault("Idempotent-Replayed"));
        againTest.Expect(HttpStatusCode.OK);
        Assert.Equal(firstTest.Str("id"), againTest.Str("id"));
        Assert.Equal("true", againTest.Headers.GetValueOrDefault("Idempotent-Replayed"));
        another.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal("max_executions_per_day", another.Str("error.details.limit"));
        Assert.Equal(2, (await _client.Get("/api/usage", _tenant)).Expect(HttpStatusCode.OK).Node("usage.executions_today")!.GetValue<int>());
    }

    [Fact]
    public async Task RetryFromTheStart_AtTheDailyLimit_IsRefused_RetryOfTheFailedStepIsNot()
    {
        (await AsOperator(HttpMethod.Put, "/api/tiers/one-a-day", new JsonObject { ["max_executions_per_day"] = 1 })).Expect(HttpStatusCode.OK);
        (await AsOperator(HttpMethod.Put, $"/api/tenants/{_tenant}/tier", new JsonObject { ["tier"] = "one-a-day" })).Expect(HttpStatusCode.OK);
        var id = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "fails", "status": "active", "steps": [
              {"id": "call", "type": "http", "config": {"url": "http://127.0.0.1:9/nothing-listens", "method": "GET"}, "retry": {"max_attempts": 1}}]}
            """));
        var failed = await _client.Execute(_tenant, id);
        await _client.WaitForStatus(_tenant, failed, "failed");

        var fromStart = await _client.Post($"/api/executions/{failed}/retry", _tenant, new JsonObject { ["from"] = "start" });
        var fromFailedStep = await _client.Post($"/api/executions/{failed}/retry", _tenant, new JsonObject());

        fromStart.ExpectError(HttpStatusCode.Forbidden, "tier_restriction");
        Assert.Equal("max_executions_per_day", fromStart.Str("error.details.limit"));
        fromFailedStep.Expect(HttpStatusCode.OK); // the same execution runs again: no new start
        Assert.Equal(1, (await _client.Get("/api/usage", _tenant)).Expect(HttpStatusCode.OK).Node("usage.executions_today")!.GetValue<int>());
        Assert.Single((await _client.Get($"/api/executions?workflow_id={id}", _tenant)).Expect(HttpStatusCode.OK).Node("items")!.AsArray());
    }
}
