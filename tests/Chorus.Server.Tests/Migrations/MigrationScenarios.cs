using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Migrations;

/// <summary>Migration scenarios run over the HTTP API on any store: the SQLite server and the PostgreSQL one run the same.</summary>
internal static class MigrationScenarios
{
    /// <summary>Version 1: waits for event "go", then outputs version 1; version 2 outputs version 2 after the same wait.</summary>
    public static JsonObject EventWait(int version) => Definitions.Parse("""
        {"name": "event wait", "steps": [
          {"id": "hold", "type": "wait", "config": {"event": "go"}, "next": "done"},
          {"id": "done", "type": "output", "config": {"value": {"version": __VERSION__, "got": "{{hold.n}}"}}}
        ]}
        """.Replace("__VERSION__", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static string MigrationsOf(string workflow) => $"/api/workflows/{workflow}/migrations";

    public static async Task<int> VersionOf(HttpClient client, string tenant, string execution) =>
        (await client.Get($"/api/executions/{execution}", tenant)).Expect(HttpStatusCode.OK).Node("workflow_version")!.GetValue<int>();

    /// <summary>Dry run, then the move, of executions waiting for an event; each then finishes on version 2 and the
    /// migration lists them. Returns the workflow and the migration's id.</summary>
    public static async Task DryRunThenApply_MovesWaitingExecutions_WhichFinishOnTheNewVersion(HttpClient client)
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await client.CreateWorkflow(tenant, EventWait(1));
        var first = await client.Execute(tenant, workflow);
        var second = await client.Execute(tenant, workflow);
        await client.WaitForStatus(tenant, first, "waiting");
        await client.WaitForStatus(tenant, second, "waiting");
        (await client.Put($"/api/workflows/{workflow}", tenant, EventWait(2))).Expect(HttpStatusCode.OK);

        var plan = (await client.Post(MigrationsOf(workflow), tenant, new JsonObject
        {
            ["to_version"] = 2, ["filter"] = new JsonObject { ["status"] = "waiting", ["version"] = 1 }, ["dry_run"] = true,
        })).Expect(HttpStatusCode.OK);
        Assert.Equal(2, plan.Node("movable")!.GetValue<int>());
        Assert.Equal("hold", plan.Str("plans.0.mapping.0.to_step"));
        Assert.Equal(1, await VersionOf(client, tenant, first));

        var applied = (await client.Post(MigrationsOf(workflow), tenant, new JsonObject
        {
            ["to_version"] = 2, ["filter"] = new JsonObject { ["version"] = 1 },
        })).Expect(HttpStatusCode.OK);
        Assert.Equal(2, applied.Node("moved")!.GetValue<int>());
        Assert.Equal(2, await VersionOf(client, tenant, first));

        (await client.Post($"/api/executions/{first}/events", tenant, new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["n"] = "1" } }))
            .Expect(HttpStatusCode.Accepted);
        var done = await client.WaitForCompletion(tenant, first);
        Assert.Equal(2, done.Node("output.version")!.GetValue<int>());
        var logs = (await client.Get($"/api/executions/{first}/logs", tenant)).Expect(HttpStatusCode.OK);
        Assert.Contains(logs.Node("items")!.AsArray(), l => l!["message"]!.GetValue<string>().StartsWith("Execution migrated from version 1 to version 2", StringComparison.Ordinal));

        var migration = (await client.Get($"{MigrationsOf(workflow)}/{applied.Str("migration_id")}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(new[] { first, second }.Order(), migration.Node("executions")!.AsArray().Select(e => e!["execution_id"]!.GetValue<string>()).Order());
        Assert.Equal(1, migration.Node("executions.0.from_version")!.GetValue<int>());
    }

    /// <summary>Rollback moves back an execution nothing ran on since the move, and leaves one whose step ran.</summary>
    public static async Task Rollback_MovesBackOnlyExecutionsNothingRanOn(HttpClient client)
    {
        var tenant = ApiCalls.NewTenant();
        var workflow = await client.CreateWorkflow(tenant, Definitions.Parse("""
            {"name": "two waits", "steps": [
              {"id": "one", "type": "wait", "config": {"event": "a"}, "next": "two"},
              {"id": "two", "type": "wait", "config": {"event": "b"}}
            ]}
            """));
        var untouched = await client.Execute(tenant, workflow);
        var advanced = await client.Execute(tenant, workflow);
        await client.WaitForStatus(tenant, untouched, "waiting");
        await client.WaitForStatus(tenant, advanced, "waiting");
        (await client.Put($"/api/workflows/{workflow}", tenant, Definitions.Parse("""
            {"name": "two waits", "description": "v2", "steps": [
              {"id": "one", "type": "wait", "config": {"event": "a"}, "next": "two"},
              {"id": "two", "type": "wait", "config": {"event": "c"}}
            ]}
            """))).Expect(HttpStatusCode.OK);
        var migrationId = (await client.Post(MigrationsOf(workflow), tenant, new JsonObject { ["to_version"] = 2 })).Expect(HttpStatusCode.OK).Str("migration_id");
        (await client.Post($"/api/executions/{advanced}/events", tenant, new JsonObject { ["name"] = "a" })).Expect(HttpStatusCode.Accepted);
        await WaitUntil(async () => (await client.Get($"/api/executions/{advanced}", tenant)).Str("current_step") == "two");

        var rollback = (await client.Post($"{MigrationsOf(workflow)}/{migrationId}/rollback", tenant)).Expect(HttpStatusCode.OK);

        var results = rollback.Node("results")!.AsArray().ToDictionary(r => r!["execution_id"]!.GetValue<string>(), r => r!);
        Assert.Equal("moved", results[untouched]!["status"]!.GetValue<string>());
        Assert.Equal("skipped", results[advanced]!["status"]!.GetValue<string>());
        Assert.Equal("ran_since_move", results[advanced]!["reason"]!.GetValue<string>());
        Assert.Equal(1, await VersionOf(client, tenant, untouched));
        Assert.Equal(2, await VersionOf(client, tenant, advanced));
        // Rolled back once: a second rollback is a conflict and changes nothing.
        (await client.Post($"{MigrationsOf(workflow)}/{migrationId}/rollback", tenant)).ExpectError(HttpStatusCode.Conflict, "conflict");
        var listed = (await client.Get(MigrationsOf(workflow), tenant)).Expect(HttpStatusCode.OK);
        Assert.NotNull(listed.Str("items.0.rolled_back_at"));
        // The execution moved back runs version 1 again: its second wait is for "b".
        (await client.Post($"/api/executions/{untouched}/events", tenant, new JsonObject { ["name"] = "a" })).Expect(HttpStatusCode.Accepted);
        (await client.Post($"/api/executions/{untouched}/events", tenant, new JsonObject { ["name"] = "b" })).Expect(HttpStatusCode.Accepted);
        await client.WaitForCompletion(tenant, untouched);
    }

    public static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException("The condition did not hold within 30 s.");
            await Task.Delay(50);
        }
    }
}
