using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Compat;

/// <summary>The templates and instances API: template CRUD in its field names, and instances that are created
/// pending and run only when started.</summary>
public sealed class TemplatesApiRoutesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    /// <summary>The seed's condition and wait step examples word for word, joined by two steps of our own.</summary>
    private static JsonObject Approval() => Definitions.Parse("""
        {
          "name": "User approval",
          "description": "Active users wait for approval",
          "version": "1.0.0",
          "definition": {
            "steps": [
              {
                "id": "check_status",
                "name": "Check User Status",
                "type": "condition",
                "config": {
                  "field": "user_status",
                  "operator": "equals",
                  "value": "active"
                },
                "next_steps": ["active_user_flow", "inactive_user_flow"]
              },
              {"id": "active_user_flow", "name": "Active", "type": "action",
               "config": {"action": "log_message", "message": "Active user {{variables.email}}", "level": "info"}, "next": "wait_for_approval"},
              {"id": "inactive_user_flow", "name": "Inactive", "type": "action",
               "config": {"action": "log_message", "message": "Inactive user", "level": "warning"}},
              {
                "id": "wait_for_approval",
                "name": "Wait for Approval",
                "type": "wait",
                "config": {
                  "wait_type": "event",
                  "event": "approval_received"
                }
              }
            ]
          }
        }
        """);

    private async Task<string> CreateTemplate(string tenant) =>
        (await Client.Post("/api/v1/templates", tenant, Approval())).Expect(HttpStatusCode.Created).Str("id")!;

    private async Task<string> CreateInstance(string tenant, string templateId, JsonObject? variables = null) =>
        (await Client.Post("/api/v1/instances", tenant, new JsonObject { ["template_id"] = templateId, ["variables"] = variables ?? new JsonObject { ["user_status"] = "active" } }))
            .Expect(HttpStatusCode.Created).Str("id")!;

    private async Task<ApiResponse> WaitForInstance(string tenant, string id, string status)
    {
        ApiResponse? last = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            last = (await Client.Get($"/api/v1/instances/{id}", tenant)).Expect(HttpStatusCode.OK);
            if (last.Str("status") == status)
                return last;
        }
        Assert.Fail($"Instance {id} never reached {status}; last: {last?.Text}");
        return last!;
    }

    [Fact]
    public async Task Templates_are_created_read_listed_updated_and_deleted_in_the_seeds_fields()
    {
        var tenant = ApiCalls.NewTenant();
        var created = (await Client.Post("/api/v1/templates", tenant, Approval())).Expect(HttpStatusCode.Created);
        var id = created.Str("id")!;
        Assert.Equal("User approval", created.Str("name"));
        Assert.Equal("Active users wait for approval", created.Str("description"));
        Assert.Equal("1.0.0", created.Str("version"));
        Assert.Equal("active", created.Str("status"));
        Assert.Equal(4, created.Node("definition.steps")!.AsArray().Count);
        Assert.NotNull(created.Str("created_at"));
        Assert.NotNull(created.Str("updated_at"));
        Assert.Null(created.Node("steps"));

        var read = (await Client.Get($"/api/v1/templates/{id}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("check_status", read.Str("definition.steps.0.id"));
        var listed = (await Client.Get("/api/v1/templates", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(id, listed.Str("items.0.id"));
        Assert.Equal(4, listed.Node("items.0.definition.steps")!.AsArray().Count);

        // What a GET answers can be sent back with PUT; the steps may also come at the top level.
        var changed = read.Body.AsObject();
        changed["description"] = "changed";
        var updated = (await Client.Put($"/api/v1/templates/{id}", tenant, changed)).Expect(HttpStatusCode.OK);
        Assert.Equal("changed", updated.Str("description"));
        var flat = Approval();
        flat["steps"] = flat["definition"]!["steps"]!.DeepClone();
        flat.Remove("definition");
        flat["version"] = "1.1.0";
        Assert.Equal("1.1.0", (await Client.Put($"/api/v1/templates/{id}", tenant, flat)).Expect(HttpStatusCode.OK).Str("version"));
        Assert.Equal(3, (await Client.Get($"/api/workflows/{id}/versions", tenant)).Node("current_version")!.GetValue<int>());

        // A bad definition is refused and changes nothing.
        var broken = Approval();
        broken["definition"]!["steps"]![0]!["next_steps"] = new JsonArray("nowhere", "inactive_user_flow");
        (await Client.Put($"/api/v1/templates/{id}", tenant, broken)).ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        var twice = Approval();
        twice["steps"] = new JsonArray();
        (await Client.Post("/api/v1/templates", tenant, twice)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        var notObject = Approval();
        notObject["definition"] = "steps";
        (await Client.Post("/api/v1/templates", tenant, notObject)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Equal("1.1.0", (await Client.Get($"/api/v1/templates/{id}", tenant)).Str("version"));

        (await Client.Get($"/api/v1/templates/{id}", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Put($"/api/v1/templates/{id}", ApiCalls.NewTenant(), Approval())).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Delete($"/api/v1/templates/{id}", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        var after = (await Client.Get($"/api/v1/templates/{id}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("1.1.0", after.Str("version"));
        Assert.Equal(3, after.Node("current_version")!.GetValue<int>());

        (await Client.Delete($"/api/v1/templates/{id}", tenant)).Expect(HttpStatusCode.NoContent);
        (await Client.Get($"/api/v1/templates/{id}", tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Get($"/api/v1/templates/{Guid.NewGuid()}", tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
    }

    [Fact]
    public async Task An_instance_stays_pending_until_started_then_pauses_resumes_and_finishes()
    {
        var tenant = ApiCalls.NewTenant();
        var templateId = await CreateTemplate(tenant);
        var created = (await Client.Post("/api/v1/instances", tenant, new JsonObject
        {
            ["template_id"] = templateId,
            ["variables"] = new JsonObject { ["user_status"] = "active", ["email"] = "ana@example.com" },
        })).Expect(HttpStatusCode.Created);
        var id = created.Str("id")!;
        Assert.Equal("pending", created.Str("status"));
        Assert.Equal(templateId, created.Str("template_id"));
        Assert.Equal("ana@example.com", created.Str("variables.email"));
        Assert.Equal($"/api/v1/instances/{id}", created.Location);

        // Another execution of the tenant runs to the end meanwhile; the created instance has still run nothing.
        var other = await CreateInstance(tenant, templateId, new JsonObject { ["user_status"] = "gone" });
        (await Client.Put($"/api/v1/instances/{other}/start", tenant, new JsonObject())).Expect(HttpStatusCode.OK);
        await WaitForInstance(tenant, other, "completed");
        Assert.Equal("pending", (await Client.Get($"/api/v1/instances/{id}", tenant)).Str("status"));
        Assert.Empty((await Client.Get($"/api/v1/instances/{id}/steps", tenant)).Node("steps")!.AsArray());

        (await Client.Put($"/api/v1/instances/{id}/pause", tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");
        (await Client.Put($"/api/v1/instances/{id}/start", tenant, new JsonObject())).Expect(HttpStatusCode.OK);
        (await Client.Put($"/api/v1/instances/{id}/start", tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");
        await WaitForInstance(tenant, id, "waiting");
        Assert.Equal("paused", (await Client.Put($"/api/v1/instances/{id}/pause", tenant, new JsonObject())).Expect(HttpStatusCode.OK).Str("status"));
        (await Client.Put($"/api/v1/instances/{id}/resume", tenant, new JsonObject())).Expect(HttpStatusCode.OK);
        (await Client.Post($"/api/executions/{id}/events", tenant, new JsonObject { ["name"] = "approval_received" })).Expect(HttpStatusCode.Accepted);
        var done = await WaitForInstance(tenant, id, "completed");
        Assert.Equal("wait_for_approval", done.Str("current_step"));
        Assert.Equal(1.0, done.Node("progress")!.GetValue<double>());

        var steps = (await Client.Get($"/api/v1/instances/{id}/steps", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(id, steps.Str("instance_id"));
        var byStep = steps.Node("steps")!.AsArray().ToDictionary(s => s!["step_id"]!.GetValue<string>(), s => s!);
        Assert.Equal(["active_user_flow", "check_status", "wait_for_approval"], byStep.Keys.Order());
        var check = byStep["check_status"];
        Assert.Equal("Check User Status", check["name"]!.GetValue<string>());
        Assert.Equal("condition", check["type"]!.GetValue<string>());
        Assert.Equal("completed", check["status"]!.GetValue<string>());
        Assert.Equal(0, check["retry_count"]!.GetValue<int>());
        Assert.Equal(id, check["instance_id"]!.GetValue<string>());
        Assert.NotNull(check["started_at"]);
        Assert.NotNull(check["completed_at"]);

        (await Client.Put($"/api/v1/instances/{id}/start", tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");
        (await Client.Put($"/api/v1/instances/{id}/cancel", tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task A_created_instance_can_be_cancelled_and_is_listed_by_template_and_status()
    {
        var tenant = ApiCalls.NewTenant();
        var templateId = await CreateTemplate(tenant);
        var otherTemplate = await CreateTemplate(tenant);
        var kept = await CreateInstance(tenant, templateId);
        var cancelled = await CreateInstance(tenant, templateId);
        await CreateInstance(tenant, otherTemplate);

        Assert.Equal("cancelled", (await Client.Put($"/api/v1/instances/{cancelled}/cancel", tenant, new JsonObject())).Expect(HttpStatusCode.OK).Str("status"));
        (await Client.Put($"/api/v1/instances/{cancelled}/start", tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");

        var ofTemplate = (await Client.Get($"/api/v1/instances?template_id={templateId}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, ofTemplate.Node("total")!.GetValue<int>());
        var pending = (await Client.Get($"/api/v1/instances?template_id={templateId}&status=pending", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal([kept], pending.Node("items")!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal(2, (await Client.Get("/api/v1/instances?status=pending", tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>());
        Assert.Equal(1, (await Client.Get("/api/v1/instances?status=cancelled", tenant)).Expect(HttpStatusCode.OK).Node("total")!.GetValue<int>());
        (await Client.Get("/api/v1/instances?status=created", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Get("/api/v1/instances?status=sleeping", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Get("/api/v1/instances?template_id=nope", tenant)).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        // The canonical API tells a created execution from a queued one.
        Assert.Equal("created", (await Client.Get($"/api/executions/{kept}", tenant)).Str("status"));
    }

    [Fact]
    public async Task Bad_bodies_unknown_ids_other_tenants_and_roles_are_refused_and_change_nothing()
    {
        var tenant = ApiCalls.NewTenant();
        var templateId = await CreateTemplate(tenant);
        var id = await CreateInstance(tenant, templateId);

        (await Client.Post("/api/v1/instances", tenant, new JsonObject { ["variables"] = new JsonObject() })).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post("/api/v1/instances", tenant, new JsonObject { ["template_id"] = 5 })).ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post("/api/v1/instances", tenant, new JsonObject { ["template_id"] = templateId, ["variables"] = new JsonObject { ["a"] = 1 }, ["input"] = new JsonObject { ["a"] = 2 } }))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Send(HttpMethod.Post, "/api/v1/instances", tenant, ApiCalls.Raw("{\"template_id\":"u8.ToArray(), "application/json")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post("/api/v1/instances", tenant, new JsonObject { ["template_id"] = Guid.NewGuid().ToString() })).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Get($"/api/v1/instances/{Guid.NewGuid()}", tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Put($"/api/v1/instances/{Guid.NewGuid()}/start", tenant, new JsonObject())).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Get("/api/v1/instances/not-an-id/steps", tenant)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");

        var other = ApiCalls.NewTenant();
        (await Client.Get($"/api/v1/instances/{id}", other)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Get($"/api/v1/instances/{id}/steps", other)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        foreach (var operation in new[] { "start", "pause", "resume", "cancel" })
            (await Client.Put($"/api/v1/instances/{id}/{operation}", other, new JsonObject())).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Post("/api/v1/instances", other, new JsonObject { ["template_id"] = templateId })).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        Assert.Equal(0, (await Client.Get("/api/v1/instances", other)).Node("total")!.GetValue<int>());

        var viewer = new Dictionary<string, string> { ["Authorization"] = $"Bearer {TestTokens.For(tenant, Role.Viewer)}" };
        var member = new Dictionary<string, string> { ["Authorization"] = $"Bearer {TestTokens.For(tenant, Role.Member)}" };
        (await Client.Send(HttpMethod.Put, $"/api/v1/instances/{id}/start", tenant, ApiCalls.Json(new JsonObject()), headers: viewer))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Post, "/api/v1/instances", tenant, ApiCalls.Json(new JsonObject { ["template_id"] = templateId }), headers: viewer))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Post, "/api/v1/templates", tenant, ApiCalls.Json(Approval()), headers: member))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Delete, $"/api/v1/templates/{templateId}", tenant, null, headers: member))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Get, $"/api/v1/instances/{id}", tenant, null, headers: viewer)).Expect(HttpStatusCode.OK);

        Assert.Equal("pending", (await Client.Get($"/api/v1/instances/{id}", tenant)).Str("status"));
        Assert.Equal(1, (await Client.Get($"/api/v1/instances?template_id={templateId}", tenant)).Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task A_created_instance_holds_no_slot_survives_a_restart_and_starts_through_admission()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-compat-{Guid.NewGuid():N}.db");
        var tenant = ApiCalls.NewTenant();
        string templateId, created, holder;
        static Task<ChorusTestServer> Start(string path) => ChorusTestServer.StartAsync(databasePath: path,
            configure: o => o with { Engine = o.Engine with { MaxConcurrentWorkflows = 1 } });
        try
        {
            await using (var first = await Start(path))
            {
                templateId = (await first.Client.Post("/api/v1/templates", tenant, Approval())).Expect(HttpStatusCode.Created).Str("id")!;
                created = (await first.Client.Post("/api/v1/instances", tenant, new JsonObject { ["template_id"] = templateId, ["variables"] = new JsonObject { ["user_status"] = "no" } }))
                    .Expect(HttpStatusCode.Created).Str("id")!;
                // With one slot, an execution started after the created instance still runs: the instance holds none.
                holder = (await first.Client.Post($"/api/workflows/{templateId}/execute", tenant, new JsonObject { ["input"] = new JsonObject { ["user_status"] = "active" } }))
                    .Expect(HttpStatusCode.Accepted).Str("id")!;
                await first.Client.WaitForStatus(tenant, holder, "waiting");
            }
            await using var second = await Start(path);
            Assert.Equal("created", (await second.Client.Get($"/api/executions/{created}", tenant)).Expect(HttpStatusCode.OK).Str("status"));
            // The slot is taken by the waiting execution: started, the instance is queued, and admitted when the slot frees.
            var started = (await second.Client.Put($"/api/v1/instances/{created}/start", tenant, new JsonObject())).Expect(HttpStatusCode.OK);
            Assert.Equal("pending", started.Str("status"));
            Assert.Equal("pending", (await second.Client.Get($"/api/executions/{created}", tenant)).Str("status"));
            (await second.Client.Put($"/api/v1/instances/{created}/start", tenant, new JsonObject())).ExpectError(HttpStatusCode.Conflict, "conflict");
            (await second.Client.Post($"/api/executions/{holder}/cancel", tenant)).Expect(HttpStatusCode.OK);
            await second.Client.WaitForCompletion(tenant, created);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
                File.Delete(path + suffix);
        }
    }
}
