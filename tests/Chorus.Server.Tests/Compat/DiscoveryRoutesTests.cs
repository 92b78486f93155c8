using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Compat;

/// <summary>The steps-microservice API: its execution start, and its step routes, each change a new version.</summary>
public sealed class DiscoveryRoutesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    /// <summary>The seed's own curl body, word for word.</summary>
    private const string SeedExecution = """
        {
            "workflow_id": "01234567-89ab-cdef-0123-456789abcdef",
            "mode": "automatic",
            "initial_data": {
              "user_id": 2,
              "dynamic_properties": {
                "propiedadA": "admin",
                "propiedadB": "test_value"
              }
            }
          }
        """;

    private static JsonObject Chain() => Definitions.Parse("""
        {"name": "discovery chain", "status": "active", "steps": [
            {"id": "fetch_user", "name": "Fetch", "type": "addField", "config": {"field": "fetched", "value": true}, "next": "decide"},
            {"id": "decide", "name": "Decide", "type": "addField", "config": {"field": "decided", "value": "{{variables.dynamic_properties.propiedadA}}"}}
        ]}
        """);

    [Fact]
    public async Task The_seeds_execution_request_runs_with_its_fields()
    {
        var tenant = ApiCalls.NewTenant();
        // Verbatim: in a tenant without the demo installed, the seed's workflow is not found, in the error shape.
        (await Client.Post("/api/executions", tenant, JsonNode.Parse(SeedExecution))).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");

        var workflowId = await Client.CreateWorkflow(tenant, Chain());
        var body = JsonNode.Parse(SeedExecution.Replace("01234567-89ab-cdef-0123-456789abcdef", workflowId))!;
        var started = (await Client.Post("/api/executions", tenant, body)).Expect(HttpStatusCode.Accepted);
        Assert.Equal(workflowId, started.Str("workflow_id"));
        Assert.Equal("automatic", started.Str("mode"));
        var executionId = started.Str("execution_id")!;
        var done = await Client.WaitForCompletion(tenant, executionId);
        Assert.Equal(2, done.Node("input.user_id")!.GetValue<int>());
        Assert.Equal("admin", done.Str("variables.decided"));
    }

    [Fact]
    public async Task Steps_are_listed_added_changed_and_deleted_each_as_a_new_version()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Chain());

        var listed = (await Client.Get($"/workflows/{workflowId}/steps", tenant)).Expect(HttpStatusCode.OK);
        var steps = listed.Body.AsArray();
        Assert.Equal(["fetch_user", "decide"], steps.Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal($"{workflowId}:fetch_user", steps[0]!["step_id"]!.GetValue<string>());
        Assert.Equal(1, steps[0]!["workflow_version"]!.GetValue<int>());

        // Added without "after": it follows the step that ended the workflow.
        var added = (await Client.Post($"/workflows/{workflowId}/steps", tenant, Definitions.Parse("""
            {"id": "approve_user", "name": "Approve", "type": "addField", "config": {"field": "approved", "value": true}}
            """))).Expect(HttpStatusCode.Created);
        Assert.Equal($"{workflowId}:approve_user", added.Str("step_id"));
        Assert.Equal(2, added.Node("workflow_version")!.GetValue<int>());
        var decide = (await Client.Get($"/steps/{workflowId}:decide", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("approve_user", decide.Str("next"));

        // Added with "after": spliced in between.
        (await Client.Post($"/workflows/{workflowId}/steps", tenant, Definitions.Parse("""
            {"id": "validate_user", "name": "Validate", "type": "addField", "config": {"field": "valid", "value": true}, "after": "fetch_user"}
            """))).Expect(HttpStatusCode.Created);
        Assert.Equal("validate_user", (await Client.Get($"/steps/{workflowId}:fetch_user", tenant)).Str("next"));
        Assert.Equal("decide", (await Client.Get($"/steps/{workflowId}:validate_user", tenant)).Str("next"));

        // A bare id works while one workflow has it; the answer sent back with PATCH keeps its own fields only.
        var step = (await Client.Get("/steps/validate_user", tenant)).Expect(HttpStatusCode.OK).Body.AsObject();
        step["config"] = new JsonObject { ["field"] = "valid", ["value"] = "yes" };
        var patched = (await Client.Patch("/steps/validate_user", tenant, step)).Expect(HttpStatusCode.OK);
        Assert.Equal("yes", patched.Str("config.value"));
        Assert.Equal(4, patched.Node("workflow_version")!.GetValue<int>());

        // Deleting a step of the chain joins its neighbours.
        var deleted = (await Client.Delete($"/steps/{workflowId}:validate_user", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(5, deleted.Node("workflow_version")!.GetValue<int>());
        Assert.Equal("decide", (await Client.Get($"/steps/{workflowId}:fetch_user", tenant)).Str("next"));
        (await Client.Get($"/steps/{workflowId}:validate_user", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");

        var versions = (await Client.Get($"/api/workflows/{workflowId}/versions", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(5, versions.Node("current_version")!.GetValue<int>());
        var run = await Client.Execute(tenant, workflowId);
        var done = await Client.WaitForCompletion(tenant, run);
        Assert.True(done.Node("variables.approved")!.GetValue<bool>());
    }

    [Fact]
    public async Task A_change_that_breaks_the_definition_changes_nothing()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Chain());

        (await Client.Patch($"/steps/{workflowId}:decide", tenant, Definitions.Parse("""{"type": "no_such_type"}""")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        (await Client.Patch($"/steps/{workflowId}:decide", tenant, Definitions.Parse("""{"next": "nowhere"}""")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_workflow_definition");
        (await Client.Patch($"/steps/{workflowId}:decide", tenant, Definitions.Parse("""{"id": "renamed"}""")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post($"/workflows/{workflowId}/steps", tenant, Definitions.Parse("""{"name": "no id", "type": "comment"}""")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post($"/workflows/{workflowId}/steps", tenant, Definitions.Parse("""{"id": "decide", "type": "comment"}""")))
            .ExpectError(HttpStatusCode.Conflict, "conflict");
        (await Client.Send(HttpMethod.Patch, $"/steps/{workflowId}:decide", tenant, ApiCalls.Raw("{not json"u8.ToArray(), "application/json")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");

        var unchanged = (await Client.Get($"/api/workflows/{workflowId}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(1, unchanged.Node("current_version")!.GetValue<int>());
        Assert.Equal("addField", (await Client.Get($"/steps/{workflowId}:decide", tenant)).Str("type"));
    }

    [Fact]
    public async Task A_step_other_routes_lead_to_is_not_deleted()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Definitions.Parse("""
            {"name": "branches", "status": "active", "steps": [
                {"id": "check_status", "name": "Check User Status", "type": "condition",
                 "config": {"field": "user_status", "operator": "equals", "value": "active"},
                 "next_steps": ["active_user_flow", "inactive_user_flow"]},
                {"id": "active_user_flow", "type": "comment"},
                {"id": "inactive_user_flow", "type": "comment"}
            ]}
            """));
        var refused = (await Client.Delete($"/steps/{workflowId}:inactive_user_flow", tenant)).ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.NotEmpty(refused.Node("error.details.errors")!.AsArray());
        Assert.Equal(3, (await Client.Get($"/workflows/{workflowId}/steps", tenant)).Body.AsArray().Count);
        Assert.Equal(1, (await Client.Get($"/api/workflows/{workflowId}", tenant)).Node("current_version")!.GetValue<int>());
    }

    [Fact]
    public async Task A_bare_step_id_two_workflows_have_is_a_conflict_naming_both()
    {
        var tenant = ApiCalls.NewTenant();
        var first = await Client.CreateWorkflow(tenant, Chain());
        var second = await Client.CreateWorkflow(tenant, Chain());
        var ambiguous = (await Client.Get("/steps/decide", tenant)).ExpectError(HttpStatusCode.Conflict, "conflict");
        var candidates = ambiguous.Node("error.details.candidates")!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains($"{first}:decide", candidates);
        Assert.Contains($"{second}:decide", candidates);
        (await Client.Get("/steps/no_such_step", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Get($"/steps/{first}:no_such_step", tenant)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Get($"/steps/{Guid.NewGuid()}:decide", tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Get($"/workflows/{Guid.NewGuid()}/steps", tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Get("/workflows/not-a-uuid/steps", tenant)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
    }

    [Fact]
    public async Task Another_tenant_neither_sees_nor_changes_the_steps()
    {
        var owner = ApiCalls.NewTenant();
        var other = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(owner, Chain());

        (await Client.Get($"/workflows/{workflowId}/steps", other)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Get($"/steps/{workflowId}:decide", other)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Get("/steps/decide", other)).ExpectError(HttpStatusCode.NotFound, "not_found");
        (await Client.Patch($"/steps/{workflowId}:decide", other, Definitions.Parse("""{"name": "taken"}""")))
            .ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Delete($"/steps/{workflowId}:decide", other)).ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Post($"/workflows/{workflowId}/steps", other, Definitions.Parse("""{"id": "x", "type": "comment"}""")))
            .ExpectError(HttpStatusCode.NotFound, "workflow_not_found");

        Assert.Equal(1, (await Client.Get($"/api/workflows/{workflowId}", owner)).Node("current_version")!.GetValue<int>());
    }

    [Fact]
    public async Task Changing_steps_needs_the_admin_role_reading_them_a_viewer()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Chain());
        var viewer = new Dictionary<string, string> { ["Authorization"] = $"Bearer {TestTokens.For(tenant, Role.Viewer)}" };
        var member = new Dictionary<string, string> { ["Authorization"] = $"Bearer {TestTokens.For(tenant, Role.Member)}" };

        (await Client.Send(HttpMethod.Get, $"/workflows/{workflowId}/steps", tenant, null, headers: viewer)).Expect(HttpStatusCode.OK);
        (await Client.Send(HttpMethod.Get, $"/steps/{workflowId}:decide", tenant, null, headers: viewer)).Expect(HttpStatusCode.OK);
        (await Client.Send(HttpMethod.Patch, $"/steps/{workflowId}:decide", tenant, ApiCalls.Json(Definitions.Parse("""{"name": "x"}""")), headers: member))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Delete, $"/steps/{workflowId}:decide", tenant, null, headers: member))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Post, $"/workflows/{workflowId}/steps", tenant, ApiCalls.Json(Definitions.Parse("""{"id": "x", "type": "comment"}""")), headers: viewer))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Equal(1, (await Client.Get($"/api/workflows/{workflowId}", tenant)).Node("current_version")!.GetValue<int>());
    }
}
