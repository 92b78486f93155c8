using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

public sealed class ExecutionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Fact]
    public async Task Execute_ActiveWorkflow_Returns202AndCompletesWithOutput()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());

        var started = (await _client.Post($"/api/workflows/{workflowId}/execute", _tenant, new JsonObject { ["input"] = new JsonObject { ["name"] = "Ada" } }))
            .Expect(HttpStatusCode.Accepted);
        var id = started.Str("id")!;
        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.True(Guid.TryParse(id, out _), started.Text);
        Assert.Contains(started.Str("status"), new[] { "pending", "running", "completed" });
        Assert.Equal(workflowId, started.Str("workflow_id"));
        Assert.Equal("hello Ada", done.Str("output.greeting"));
        Assert.Equal(1, done.Node("workflow_version")!.GetValue<int>());
    }

    [Fact]
    public async Task Get_CompletedExecution_ReportsFullProgress()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await _client.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Bo" });

        var done = await _client.WaitForCompletion(_tenant, id);

        Assert.Equal(2, done.Node("progress.totalNodes")!.GetValue<int>());
        Assert.Equal(2, done.Node("progress.completedNodes")!.GetValue<int>());
        Assert.Equal(100, done.Node("progress.percentage")!.GetValue<double>());
        Assert.Equal(1.0, done.Node("progress_fraction")!.GetValue<double>());
        Assert.NotNull(done.Str("completed_at"));
    }

    [Fact]
    public async Task StepsAndLogs_CompletedExecution_ListEachStep()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await _client.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Cy" });
        await _client.WaitForCompletion(_tenant, id);

        var steps = (await _client.Get($"/api/executions/{id}/steps", _tenant)).Expect(HttpStatusCode.OK);
        var logs = (await _client.Get($"/api/executions/{id}/logs", _tenant)).Expect(HttpStatusCode.OK);

        var runs = steps.Node("items")!.AsArray();
        Assert.Equal(["done", "greet"], runs.Select(r => r!["step_id"]!.GetValue<string>()).Order());
        Assert.All(runs, r => Assert.Equal("completed", r!["status"]!.GetValue<string>()));
        var greet = runs.Single(r => r!["step_id"]!.GetValue<string>() == "greet")!;
        Assert.Equal("hello Cy", greet["output"]!["greeting"]!.GetValue<string>());
        Assert.Equal($"{id}:greet:1", greet["idempotency_key"]!.GetValue<string>());
        Assert.Equal(id, logs.Str("execution_id"));
    }

    [Fact]
    public async Task Logs_StepThatLogs_ReturnsItsLineBetweenTheEnginesLines()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Parse("""
            {"name": "logger", "steps": [{"id": "say", "type": "action", "config": {"action": "log_message", "message": "hi {{input.who}}", "level": "warning"}}]}
            """));
        var id = await _client.Execute(_tenant, workflowId, new JsonObject { ["who"] = "log" });
        await _client.WaitForCompletion(_tenant, id);

        var logs = (await _client.Get($"/api/executions/{id}/logs", _tenant)).Expect(HttpStatusCode.OK);

        var lines = logs.Node("items")!.AsArray().Select(l => l!).ToList();
        var stepLine = Assert.Single(lines, l => l["level"]!.GetValue<string>() == "warning");
        Assert.Equal("say", stepLine["step_id"]!.GetValue<string>());
        Assert.Equal("hi log", stepLine["message"]!.GetValue<string>());
        var messages = lines.Select(l => l["message"]!.GetValue<string>()).ToList();
        Assert.StartsWith("Execution started", messages[0]);
        Assert.Contains(messages, m => m.StartsWith("Step 'say' completed", StringComparison.Ordinal));
        Assert.Equal("Execution completed", messages[^1]);
    }

    [Fact]
    public async Task TestExecute_DraftWorkflow_ReturnsTraceAndStaysOutOfHistory()
    {
        var tenant = ApiCalls.NewTenant();
        var workflowId = await _client.CreateWorkflow(tenant, Definitions.Greeting(status: "draft"));
        var body = new JsonObject { ["input"] = new JsonObject { ["name"] = "Di" }, ["debug_mode"] = true };

        var trace = (await _client.Post($"/api/workflows/{workflowId}/test-execute", tenant, body)).Expect(HttpStatusCode.OK);
        var list = (await _client.Get("/api/executions", tenant)).Expect(HttpStatusCode.OK);
        var withTests = (await _client.Get("/api/executions?include_tests=true", tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("completed", trace.Str("status"));
        Assert.True(trace.Node("is_test")!.GetValue<bool>());
        Assert.False(trace.Node("timed_out")!.GetValue<bool>());
        Assert.Equal("hello Di", trace.Str("output.greeting"));
        Assert.Equal(2, trace.Node("steps")!.AsArray().Count);
        Assert.NotNull(trace.Node("logs"));
        Assert.Equal("Di", trace.Str("context.input.name"));
        Assert.Equal(0, list.Node("total")!.GetValue<int>());
        Assert.Equal(trace.Str("id"), withTests.Str("items.0.id"));
    }

    [Fact]
    public async Task Execute_DraftWorkflow_Returns409Conflict()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting(status: "draft"));

        var started = await _client.Post($"/api/workflows/{workflowId}/execute", _tenant);

        started.ExpectError(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("draft", started.Str("error.details.status"));
    }

    [Fact]
    public async Task Execute_InputBreaksSchema_Returns400WithErrorPaths()
    {
        var definition = Definitions.Greeting();
        definition["input_schema"] = Definitions.Parse("""
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}}
            """);
        var workflowId = await _client.CreateWorkflow(_tenant, definition);

        var started = await _client.Post($"/api/workflows/{workflowId}/execute", _tenant,
            new JsonObject { ["input"] = new JsonObject { ["age"] = "old" } });

        started.ExpectError(HttpStatusCode.BadRequest, "invalid_input");
        var paths = started.Node("error.details.errors")!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.Contains(paths, p => p.Contains("age", StringComparison.Ordinal));
        Assert.True(paths.Count >= 2, started.Text);
    }

    [Fact]
    public async Task PostExecutions_Seed000Body_StartsAndCompletes()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Definitions.Greeting());
        var body = new JsonObject { ["workflow_id"] = workflowId, ["mode"] = "automatic", ["initial_data"] = new JsonObject { ["name"] = "Eve" } };

        var started = (await _client.Post("/api/executions", _tenant, body)).Expect(HttpStatusCode.Accepted);
        var done = await _client.WaitForCompletion(_tenant, started.Str("id")!);

        Assert.Equal("automatic", started.Str("mode"));
        Assert.Equal("Eve", done.Str("input.name"));
        Assert.Equal("hello Eve", done.Str("output.greeting"));
    }
}
