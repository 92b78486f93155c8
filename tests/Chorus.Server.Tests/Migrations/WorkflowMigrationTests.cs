using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using static Chorus.Server.Tests.Migrations.MigrationScenarios;

namespace Chorus.Server.Tests.Migrations;

/// <summary>POST /api/workflows/{id}/migrations and its rollback, on the SQLite server.</summary>
public sealed class WorkflowMigrationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public Task DryRunThenApply_MovesWaitingExecutions_WhichFinishOnTheNewVersion() =>
        MigrationScenarios.DryRunThenApply_MovesWaitingExecutions_WhichFinishOnTheNewVersion(_client);

    [Fact]
    public Task Rollback_MovesBackOnlyExecutionsNothingRanOn() => MigrationScenarios.Rollback_MovesBackOnlyExecutionsNothingRanOn(_client);

    [Fact]
    public async Task ManualInputWaiting_MovesOntoARenamedStep_AndTakesTheInputThere()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.ManualReview());
        var id = await _client.Execute(tenant, workflow);
        await _client.WaitForStatus(tenant, id, "waiting");
        (await _client.Put($"/api/workflows/{workflow}", tenant, Definitions.Parse("""
            {"name": "manual review", "steps": [
              {"id": "approval", "type": "manualInput", "config": {"fields": [{"name": "decision", "type": "string", "required": true}]}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": {"decision": "{{approval.decision}}", "version": 2}}}
            ]}
            """))).Expect(HttpStatusCode.OK);

        var unmapped = (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject { ["dry_run"] = true })).Expect(HttpStatusCode.OK);
        Assert.Equal("step_removed", unmapped.Str("plans.0.reason"));
        var applied = (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject
        {
            ["mapping"] = new JsonObject { ["review"] = "approval" },
        })).Expect(HttpStatusCode.OK);
        Assert.Equal("moved", applied.Str("results.0.status"));

        (await _client.Post($"/api/executions/{id}/input", tenant, new JsonObject { ["step_id"] = "approval", ["data"] = new JsonObject { ["decision"] = "yes" } }))
            .Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(tenant, id);
        Assert.Equal("yes", done.Str("output.decision"));
        Assert.Equal(2, done.Node("output.version")!.GetValue<int>());
    }

    [Fact]
    public async Task Plan_SaysWhyAnExecutionCannotMove_AndApplyLeavesIt()
    {
        var tenant = ApiCalls.NewTenant();
        var v1 = EventWait(1);
        var workflow = await _client.CreateWorkflow(tenant, v1);
        var id = await _client.Execute(tenant, workflow, new JsonObject { ["name"] = "x" });
        await _client.WaitForStatus(tenant, id, "waiting");
        var removed = Definitions.Parse("""{"name": "event wait", "steps": [{"id": "done", "type": "output", "config": {"value": 2}}]}""");
        (await _client.Put($"/api/workflows/{workflow}", tenant, removed)).Expect(HttpStatusCode.OK);
        var schema = EventWait(3);
        schema["input_schema"] = Definitions.Parse("""{"type": "object", "required": ["order"]}""");
        (await _client.Put($"/api/workflows/{workflow}", tenant, schema)).Expect(HttpStatusCode.OK);
        var retyped = Definitions.Parse("""
            {"name": "event wait", "steps": [
              {"id": "hold", "type": "manualInput", "config": {"fields": [{"name": "n", "type": "string"}]}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": 4}}
            ]}
            """);
        (await _client.Put($"/api/workflows/{workflow}", tenant, retyped)).Expect(HttpStatusCode.OK);

        async Task<string?> Reason(int version, JsonObject? mapping = null) =>
            (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject { ["to_version"] = version, ["mapping"] = mapping, ["dry_run"] = true }))
            .Expect(HttpStatusCode.OK).Str("plans.0.reason");
        Assert.Equal("step_removed", await Reason(2));
        Assert.Equal("input_invalid", await Reason(3));
        Assert.Equal("step_type_changed", await Reason(4));
        Assert.Equal("same_version", await Reason(1));

        var applied = (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject { ["to_version"] = 2 })).Expect(HttpStatusCode.OK);
        Assert.Equal("skipped", applied.Str("results.0.status"));
        Assert.Equal("step_removed", applied.Str("results.0.reason"));
        Assert.Equal(1, await VersionOf(_client, tenant, id));
    }

    [Fact]
    public async Task Plan_OfTwoParallelWaitsMappedOntoOneStep_IsAmbiguous()
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, Definitions.Parse("""
            {"name": "two waits", "steps": [
              {"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
              {"id": "left", "type": "wait", "config": {"event": "l"}, "next": "merge"},
              {"id": "right", "type": "wait", "config": {"event": "r"}, "next": "merge"},
              {"id": "merge", "type": "join"}
            ]}
            """));
        var id = await _client.Execute(tenant, workflow);
        await _client.WaitForStatus(tenant, id, "waiting");
        await WaitUntil(async () => (await _client.Get($"/api/executions/{id}/steps", tenant)).Node("items")!.AsArray().Count(s => s!["status"]!.GetValue<string>() == "waiting") == 2);
        (await _client.Put($"/api/workflows/{workflow}", tenant, Definitions.Parse("""
            {"name": "two waits", "steps": [
              {"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
              {"id": "left", "type": "wait", "config": {"event": "l"}, "next": "merge"},
              {"id": "right", "type": "wait", "config": {"event": "r2"}, "next": "merge"},
              {"id": "merge", "type": "join"}
            ]}
            """))).Expect(HttpStatusCode.OK);

        var plan = (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject
        {
            ["mapping"] = new JsonObject { ["right"] = "left" }, ["dry_run"] = true,
        })).Expect(HttpStatusCode.OK);

        Assert.Equal("mapping_ambiguous", plan.Str("plans.0.reason"));
        Assert.Equal(0, plan.Node("movable")!.GetValue<int>());
    }

    [Fact]
    public async Task BadRequests_AnswerTheErrorShape_AndChangeNothing()
    {
        var tenant = ApiCalls.NewTenant();
        var other = ApiCalls.NewTenant();
        var workflow = await _client.CreateWorkflow(tenant, EventWait(1));
        var id = await _client.Execute(tenant, workflow);
        await _client.WaitForStatus(tenant, id, "waiting");
        (await _client.Put($"/api/workflows/{workflow}", tenant, EventWait(2))).Expect(HttpStatusCode.OK);
        var foreignWorkflow = await _client.CreateWorkflow(other, EventWait(1));
        var foreign = await _client.Execute(other, foreignWorkflow);
        await _client.WaitForStatus(other, foreign, "waiting");

        async Task Refused(JsonNode body, HttpStatusCode status, string code, string? path = null) =>
            (await _client.Post(path ?? MigrationsOf(workflow), tenant, body)).ExpectError(status, code);
        await Refused(new JsonArray(), HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["to_version"] = 9 }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["to_version"] = "2" }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["to_version"] = 0 }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["mapping"] = new JsonObject { ["hold"] = "nowhere" } }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["mapping"] = new JsonArray() }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["mapping"] = new JsonObject { ["hold"] = 3 } }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["surprise"] = true }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["dry_run"] = "yes" }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["filter"] = new JsonObject { ["status"] = "sleeping" } }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["filter"] = new JsonObject { ["version"] = "one" } }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["filter"] = new JsonObject { ["ids"] = new JsonArray("not-a-uuid") } }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["filter"] = new JsonObject { ["ids"] = new JsonArray(id), ["version"] = 1 } }, HttpStatusCode.BadRequest, "invalid_input");
        await Refused(new JsonObject { ["filter"] = new JsonObject { ["nope"] = 1 } }, HttpStatusCode.BadRequest, "invalid_input");
        // Another tenant's workflow is not found; so is its migration, or one that does not exist.
        await Refused(new JsonObject(), HttpStatusCode.NotFound, "workflow_not_found", MigrationsOf(foreignWorkflow));
        await Refused(new JsonObject(), HttpStatusCode.NotFound, "not_found", $"{MigrationsOf(workflow)}/{Guid.NewGuid()}/rollback");
        await Refused(new JsonObject(), HttpStatusCode.NotFound, "not_found", $"{MigrationsOf(workflow)}/zzz/rollback");
        (await _client.Get($"{MigrationsOf(workflow)}/{Guid.NewGuid()}", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");

        // Another tenant's execution, named by id, gets a plan that says not_found, and stays where it is.
        var answer = (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject
        {
            ["filter"] = new JsonObject { ["ids"] = new JsonArray(foreign) },
        })).Expect(HttpStatusCode.OK);
        Assert.Equal("not_found", answer.Str("results.0.reason"));
        Assert.Equal(1, await VersionOf(_client, other, foreign));
        // Nothing above moved the tenant's own execution.
        Assert.Equal(1, await VersionOf(_client, tenant, id));
        var ownMigration = (await _client.Post(MigrationsOf(workflow), tenant, new JsonObject())).Expect(HttpStatusCode.OK).Str("migration_id");
        (await _client.Get($"{MigrationsOf(foreignWorkflow)}/{ownMigration}", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await _client.Post($"{MigrationsOf(foreignWorkflow)}/{ownMigration}/rollback", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(2, await VersionOf(_client, tenant, id));
    }
}
