using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Chorus.Server.Hosting;
using Chorus.Server.Security;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Compat;

/// <summary>The background-execution API: start with "inputs", poll for status, progress and logs; and the
/// canonical start routes reading "inputs" as the input instead of dropping it.</summary>
public sealed class PrefectRoutesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Client;

    /// <summary>A condition on the input: with an email the welcome branch runs, without one the error branch.</summary>
    private static JsonObject Welcome() => Definitions.Parse("""
        {"name": "welcome", "status": "active", "steps": [
            {"id": "validate_input", "name": "Validate Input Data", "type": "condition",
             "conditions": [{"field": "email", "operator": "contains", "value": "@"}],
             "next_steps": ["send_welcome", "send_error"]},
            {"id": "send_welcome", "name": "Welcome", "type": "action",
             "config": {"action": "log_message", "message": "Welcome {{variables.email}}", "level": "info"}},
            {"id": "send_error", "name": "Log Invalid Email", "type": "action",
             "config": {"action": "log_message", "message": "Invalid email provided: {{variables.email}}", "level": "error"}}
        ]}
        """);

    private async Task<List<string>> StepsRun(string tenant, string executionId) =>
        (await Client.Get($"/api/executions/{executionId}/steps", tenant)).Expect(HttpStatusCode.OK)
            .Node("items")!.AsArray().Select(s => s!["step_id"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task The_front_ends_execute_and_poll_routes_answer_in_its_fields()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Welcome());

        var started = (await Client.Post($"/api/workflow/{workflowId}/execute", tenant, JsonNode.Parse("""{"inputs": {"email": "ana@example.com"}}""")))
            .Expect(HttpStatusCode.Accepted);
        var executionId = started.Str("executionId")!;
        Assert.Equal(workflowId, started.Str("workflowId"));
        Assert.True(started.Node("success")!.GetValue<bool>());

        await Client.WaitForCompletion(tenant, executionId);
        var polled = (await Client.Get($"/api/workflow/execution/{executionId}", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal("completed", polled.Str("status"));
        Assert.Equal("send_welcome", polled.Str("currentNode"));
        Assert.Equal(100, polled.Node("progress.percentage")!.GetValue<int>());
        Assert.Equal(polled.Node("progress.totalNodes")!.GetValue<int>(), polled.Node("progress.completedNodes")!.GetValue<int>());
        Assert.Equal("ana@example.com", polled.Str("inputs.email"));
        var logs = polled.Node("logs")!.AsArray();
        Assert.Contains(logs, l => l!["nodeId"]?.GetValue<string>() == "send_welcome" && l["message"]!.GetValue<string>().Contains("ana@example.com", StringComparison.Ordinal));
        Assert.All(logs, l => Assert.NotNull(l!["timestamp"]));
        Assert.Contains("send_welcome", await StepsRun(tenant, executionId));
        Assert.DoesNotContain("send_error", await StepsRun(tenant, executionId));
    }

    [Fact]
    public async Task The_worker_services_execute_route_takes_either_spelling()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Welcome());

        var camel = (await Client.Post("/api/workflows/execute", tenant, new JsonObject { ["workflowId"] = workflowId, ["inputs"] = new JsonObject { ["email"] = "a@b.c" } }))
            .Expect(HttpStatusCode.Accepted);
        var snake = (await Client.Post("/api/workflows/execute", tenant, new JsonObject { ["workflow_id"] = workflowId, ["input"] = new JsonObject { ["email"] = "nobody" } }))
            .Expect(HttpStatusCode.Accepted);
        Assert.Equal(camel.Str("executionId"), camel.Str("execution_id"));
        await Client.WaitForCompletion(tenant, camel.Str("execution_id")!);
        await Client.WaitForCompletion(tenant, snake.Str("execution_id")!);
        Assert.Contains("send_welcome", await StepsRun(tenant, camel.Str("execution_id")!));
        Assert.Contains("send_error", await StepsRun(tenant, snake.Str("execution_id")!));

        (await Client.Post("/api/workflows/execute", tenant, new JsonObject { ["inputs"] = new JsonObject() }))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post("/api/workflows/execute", tenant, new JsonObject { ["workflowId"] = workflowId, ["workflow_id"] = Guid.NewGuid().ToString() }))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        (await Client.Post("/api/workflows/execute", tenant, new JsonObject { ["workflowId"] = Guid.NewGuid().ToString() }))
            .ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Post($"/api/workflow/{Guid.NewGuid()}/execute", tenant, JsonNode.Parse("""{"inputs": {}}""")))
            .ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        (await Client.Send(HttpMethod.Post, $"/api/workflow/{workflowId}/execute", tenant, ApiCalls.Raw("[1,2"u8.ToArray(), "application/json")))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
    }

    /// <summary>The bug this fixes: "inputs" was dropped, the execution ran on null input and took the error branch.</summary>
    [Theory]
    [InlineData("/api/workflows/{id}/execute")]
    [InlineData("/api/executions")]
    public async Task The_canonical_start_routes_read_inputs_as_the_input(string route)
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Welcome());
        JsonObject Body(JsonObject fields)
        {
            if (route == "/api/executions")
                fields["workflow_id"] = workflowId;
            return fields;
        }
        var path = route.Replace("{id}", workflowId);

        var started = (await Client.Post(path, tenant, Body(new JsonObject { ["inputs"] = new JsonObject { ["email"] = "ana@example.com" } })))
            .Expect(HttpStatusCode.Accepted);
        var done = await Client.WaitForCompletion(tenant, started.Str("id")!);
        Assert.Equal("ana@example.com", done.Str("input.email"));
        var ran = await StepsRun(tenant, started.Str("id")!);
        Assert.Contains("send_welcome", ran);
        Assert.DoesNotContain("send_error", ran);

        // The same value under two names is one input; two different values are refused and start nothing.
        (await Client.Post(path, tenant, Body(new JsonObject { ["input"] = new JsonObject { ["email"] = "a@b.c" }, ["inputs"] = new JsonObject { ["email"] = "a@b.c" } })))
            .Expect(HttpStatusCode.Accepted);
        var refused = (await Client.Post(path, tenant, Body(new JsonObject { ["input"] = new JsonObject { ["email"] = "a@b.c" }, ["inputs"] = new JsonObject { ["email"] = "x" } })))
            .ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        Assert.Contains("inputs", refused.Str("error.message")!, StringComparison.Ordinal);
        var list = (await Client.Get($"/api/workflows/{workflowId}/executions", tenant)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, list.Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task Polling_another_tenants_or_an_unknown_execution_is_not_found()
    {
        var owner = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(owner, Welcome());
        var executionId = (await Client.Post($"/api/workflow/{workflowId}/execute", owner, JsonNode.Parse("""{"inputs": {}}"""))).Str("executionId")!;

        (await Client.Get($"/api/workflow/execution/{executionId}", ApiCalls.NewTenant())).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Get($"/api/workflow/execution/{Guid.NewGuid()}", owner)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Get("/api/workflow/execution/not-an-id", owner)).ExpectError(HttpStatusCode.NotFound, "execution_not_found");
        (await Client.Post($"/api/workflow/{workflowId}/execute", ApiCalls.NewTenant(), JsonNode.Parse("""{"inputs": {}}""")))
            .ExpectError(HttpStatusCode.NotFound, "workflow_not_found");
        Assert.Equal(1, (await Client.Get($"/api/workflows/{workflowId}/executions", owner)).Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task Starting_needs_the_member_role_polling_a_viewer()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await Client.CreateWorkflow(tenant, Welcome());
        var viewer = new Dictionary<string, string> { ["Authorization"] = $"Bearer {TestTokens.For(tenant, Role.Viewer)}" };
        var body = ApiCalls.Json(JsonNode.Parse("""{"inputs": {}}""")!);
        (await Client.Send(HttpMethod.Post, $"/api/workflow/{workflowId}/execute", tenant, body, headers: viewer)).ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        (await Client.Send(HttpMethod.Post, "/api/workflows/execute", tenant, ApiCalls.Json(new JsonObject { ["workflowId"] = workflowId }), headers: viewer))
            .ExpectError(HttpStatusCode.Forbidden, "permission_denied");
        var executionId = (await Client.Post($"/api/workflow/{workflowId}/execute", tenant, JsonNode.Parse("""{"inputs": {}}"""))).Str("executionId")!;
        (await Client.Send(HttpMethod.Get, $"/api/workflow/execution/{executionId}", tenant, null, headers: viewer)).Expect(HttpStatusCode.OK);
        using var anonymous = new HttpClient { BaseAddress = Client.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/workflow/execution/{executionId}")).StatusCode);
    }

    [Fact]
    public async Task The_root_is_health_for_api_clients_and_not_for_a_browser()
    {
        using var anonymous = new HttpClient { BaseAddress = Client.BaseAddress };
        async Task<(HttpStatusCode, string)> Root(string? accept)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "");
            if (accept is not null)
                request.Headers.Accept.ParseAdd(accept);
            using var response = await anonymous.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        foreach (var accept in new[] { null, "*/*", "application/json", "application/json, text/plain, */*" })
        {
            var (status, body) = await Root(accept);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ok", JsonNode.Parse(body)!["status"]!.GetValue<string>());
        }
        // A browser gets the web UI's page instead (Web/WebUiServingTests covers it in full).
        var (browserStatus, browserBody) = await Root("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        Assert.Equal(HttpStatusCode.OK, browserStatus);
        Assert.Contains("<div id=\"root\">", browserBody, StringComparison.Ordinal);

        var health = await anonymous.GetAsync("api/prefect/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(JsonNode.Parse(await health.Content.ReadAsStringAsync())!["available"]!.GetValue<bool>());
        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, health.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void The_worker_services_variables_name_the_port_and_the_database()
    {
        static ServerOptions From(params (string Name, string Value)[] variables) =>
            ServerOptions.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);

        var aliases = From(("API_PORT", "8123"), ("DATABASE_PATH", "../database.sqlite"));
        Assert.Equal(8123, aliases.Port);
        Assert.Equal("../database.sqlite", aliases.DatabasePath);
        // The canonical names win when both are set.
        var both = From(("API_PORT", "8123"), ("PORT", "9000"), ("DATABASE_PATH", "a.sqlite"), ("DATABASE_URL", "b.db"));
        Assert.Equal(9000, both.Port);
        Assert.Equal("b.db", both.DatabasePath);
        Assert.Equal(8000, From().Port);
        // Malformed: a one-line reason naming the variable that was read.
        Assert.StartsWith("API_PORT:", Assert.Throws<OptionsException>(() => From(("API_PORT", "eighty"))).Message, StringComparison.Ordinal);
        Assert.StartsWith("DATABASE_PATH:", Assert.Throws<OptionsException>(() => From(("DATABASE_PATH", "sqlite:"))).Message, StringComparison.Ordinal);
    }
}
