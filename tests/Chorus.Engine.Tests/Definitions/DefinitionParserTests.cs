using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Definitions;

public class DefinitionParserTests
{
    private const string OneStep = """{"id": "start", "type": "trigger"}""";

    [Fact]
    public void Parse_FullWorkflow_ReadsEveryField()
    {
        var definition = TestWorkflows.Parse("""
            {"name": "Onboarding", "description": "New users", "version": "1.1.0", "status": "draft",
             "input_schema": {"type": "object"}, "start_at": "fetch", "timeout": "2h",
             "max_concurrent_executions": 3, "search_attributes": {"customer": "$.input.customer_id"},
             "steps": [
               {"id": "fetch", "name": "Fetch user", "type": "http", "config": {"url": "https://x"},
                "next": "decide", "retry": {"max_attempts": 4, "initial_interval": "2s",
                "backoff_coefficient": 3, "max_interval": "1m", "jitter": 0.25}, "timeout": 30, "on_error": "decide"},
               {"id": "decide", "type": "condition", "next_steps": ["fetch"],
                "conditions": [{"field": "x", "operator": "exists"}]}
             ]}
            """);

        Assert.Equal(("Onboarding", "New users", "1.1.0"), (definition.Name, definition.Description, definition.Version));
        Assert.Equal(WorkflowStatus.Draft, definition.Status);
        Assert.Equal("object", definition.InputSchema?["type"]?.GetValue<string>());
        Assert.Equal(("fetch", TimeSpan.FromHours(2)), (definition.StartAt, definition.Timeout));
        Assert.Equal(3, definition.MaxConcurrentExecutions);
        Assert.Equal("$.input.customer_id", definition.SearchAttributes["customer"]);
        var fetch = definition.Steps[0];
        Assert.Equal(("Fetch user", "http", "decide", "decide"), (fetch.Name, fetch.Type, fetch.Next, fetch.OnError));
        Assert.Equal("https://x", fetch.Config["url"]?.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(30), fetch.Timeout);
        Assert.Equal(new RetryPolicy { MaxAttempts = 4, InitialInterval = TimeSpan.FromSeconds(2),
            BackoffCoefficient = 3, MaxInterval = TimeSpan.FromMinutes(1), Jitter = 0.25 }, fetch.Retry);
        var decide = definition.Steps[1];
        Assert.Equal(["fetch"], decide.NextSteps);
        Assert.Single(decide.Conditions!);
    }

    [Fact]
    public void Parse_OnlySteps_AppliesDefaults()
    {
        var definition = TestWorkflows.Parse($$"""{"steps": [{{OneStep}}]}""");

        Assert.Equal("Untitled workflow", definition.Name);
        Assert.Equal(WorkflowStatus.Active, definition.Status);
        var step = Assert.Single(definition.Steps);
        Assert.Equal("start", step.Name);
        Assert.Empty(step.Config);
        Assert.Null(step.Retry);
    }

    [Fact]
    public void Parse_ConfigOfInput_IsCopiedNotShared()
    {
        var json = JsonNode.Parse("""{"steps": [{"id": "a", "type": "action", "config": {"k": 1}}]}""")!;

        var definition = DefinitionParser.Parse(json, out _)!;
        json["steps"]![0]!["config"]!["k"] = 2;

        Assert.Equal(1, definition.Steps[0].Config["k"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"name": 5, "steps": [STEP]}""", null, "name")]
    [InlineData("""{"name": "", "steps": [STEP]}""", null, "name")]
    [InlineData("""{"description": [], "steps": [STEP]}""", null, "description")]
    [InlineData("""{"version": 1.1, "steps": [STEP]}""", null, "version")]
    [InlineData("""{"status": "paused", "steps": [STEP]}""", null, "status")]
    [InlineData("""{"input_schema": [], "steps": [STEP]}""", null, "input_schema")]
    [InlineData("""{"start_at": 3, "steps": [STEP]}""", null, "start_at")]
    [InlineData("""{"timeout": "forever", "steps": [STEP]}""", null, "timeout")]
    [InlineData("""{"timeout": 0, "steps": [STEP]}""", null, "timeout")]
    [InlineData("""{"max_concurrent_executions": 0, "steps": [STEP]}""", null, "max_concurrent_executions")]
    [InlineData("""{"max_concurrent_executions": 1.5, "steps": [STEP]}""", null, "max_concurrent_executions")]
    [InlineData("""{"max_concurrent_executions": "2", "steps": [STEP]}""", null, "max_concurrent_executions")]
    [InlineData("""{"max_concurrent_executions": 100001, "steps": [STEP]}""", null, "max_concurrent_executions")]
    [InlineData("""{"search_attributes": ["$.input.a"], "steps": [STEP]}""", null, "search_attributes")]
    [InlineData("""{"search_attributes": {"Customer": "$.input.a"}, "steps": [STEP]}""", null, "search_attributes.Customer")]
    [InlineData("""{"search_attributes": {"customer": 1}, "steps": [STEP]}""", null, "search_attributes.customer")]
    [InlineData("""{"search_attributes": {"customer": ""}, "steps": [STEP]}""", null, "search_attributes.customer")]
    [InlineData("""{"search_attributes": {"customer": "$.input.("}, "steps": [STEP]}""", null, "search_attributes.customer")]
    [InlineData("""{"steps": []}""", null, "steps")]
    [InlineData("""{"steps": {}}""", null, "steps")]
    [InlineData("""{"name": "no steps"}""", null, "steps")]
    [InlineData("""{"steps": [{"type": "action"}]}""", null, "steps[0].id")]
    [InlineData("""{"steps": [{"id": 7, "type": "action"}]}""", null, "steps[0].id")]
    [InlineData("""{"steps": [{"id": "has space", "type": "action"}]}""", null, "steps[0].id")]
    [InlineData("""{"steps": [{"id": ""}]}""", null, "steps[0].id")]
    [InlineData("""{"steps": [STEP, {"id": "bad id", "type": "action", "next": 3}]}""", null, "steps[1].next")]
    [InlineData("""{"steps": [{"id": "a"}]}""", "a", "type")]
    [InlineData("""{"steps": [{"id": "a", "type": ["x"]}]}""", "a", "type")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "name": {}}]}""", "a", "name")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "config": "url"}]}""", "a", "config")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "config": []}]}""", "a", "config")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "next": 2}]}""", "a", "next")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "next_steps": "b"}]}""", "a", "next_steps")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "next_steps": ["b", 3]}]}""", "a", "next_steps[1]")]
    [InlineData("""{"steps": [{"id": "a", "type": "condition", "conditions": {}}]}""", "a", "conditions")]
    [InlineData("""{"steps": [{"id": "a", "type": "condition", "conditions": ["x"]}]}""", "a", "conditions[0]")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": 3}]}""", "a", "retry")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"max_attempts": 0}}]}""", "a", "retry.max_attempts")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"max_attempts": 101}}]}""", "a", "retry.max_attempts")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"max_attempts": 2.5}}]}""", "a", "retry.max_attempts")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"max_attempts": "3"}}]}""", "a", "retry.max_attempts")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"initial_interval": "-1s"}}]}""", "a", "retry.initial_interval")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"backoff_coefficient": 0.5}}]}""", "a", "retry.backoff_coefficient")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"initial_interval": "1m", "max_interval": "1s"}}]}""", "a", "retry.max_interval")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"jitter": 1.5}}]}""", "a", "retry.jitter")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"jitter": -0.1}}]}""", "a", "retry.jitter")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "retry": {"jitter": "0.2"}}]}""", "a", "retry.jitter")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "timeout": -5}]}""", "a", "timeout")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "timeout": true}]}""", "a", "timeout")]
    [InlineData("""{"steps": [{"id": "a", "type": "action", "on_error": {}}]}""", "a", "on_error")]
    [InlineData("""{"steps": [5]}""", null, "steps[0]")]
    public void Parse_ShapeError_ReportsStepAndField(string template, string? stepId, string field)
    {
        var json = template.Replace("STEP", OneStep, StringComparison.Ordinal);

        var definition = DefinitionParser.Parse(JsonNode.Parse(json), out var errors);

        Assert.Null(definition);
        Assert.Contains(errors, e => e.StepId == stepId && e.Field == field);
    }

    [Fact]
    public void Parse_TooManySteps_ReportsSteps()
    {
        var steps = new JsonArray(Enumerable.Range(0, 501)
            .Select(i => (JsonNode?)new JsonObject { ["id"] = $"s{i}", ["type"] = "action" }).ToArray());

        DefinitionParser.Parse(new JsonObject { ["steps"] = steps }, out var errors);

        Assert.Equal(new DefinitionError(null, "steps", "A workflow has at most 500 steps; this one has 501."), Assert.Single(errors));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllOfThem()
    {
        var errors = TestWorkflows.ParseErrors("""
            {"status": 1, "steps": [{"id": "a", "type": "action", "next": 1, "timeout": "x"}, {"id": "b"}]}
            """);

        Assert.Equal(["status", "next", "timeout", "type"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("[{\"steps\": []}]")]
    [InlineData("\"workflow\"")]
    [InlineData("42")]
    [InlineData("{\"steps\": 5}")]
    [InlineData("{\"steps\": [1, 2]}")]
    [InlineData("{\"steps\": [null, [], {\"id\": null, \"type\": null, \"retry\": {\"max_attempts\": []}}]}")]
    [InlineData("{\"steps\": [{\"id\": \"a\", \"type\": \"x\", \"config\": {\"a\": [[[[{\"b\": [1, {}]}]]]]}, \"retry\": [[]]}], \"input_schema\": 1}")]
    public void Parse_Garbage_ReturnsErrorsWithoutThrowing(string json)
    {
        var definition = DefinitionParser.Parse(JsonNode.Parse(json), out var errors);

        Assert.Null(definition);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Parse_ValuesWrappingClrObjects_ReturnErrorsWithoutThrowing()
    {
        var json = new JsonObject
        {
            ["name"] = JsonValue.Create(new Uri("https://example.test")),
            ["timeout"] = JsonValue.Create(Guid.Empty),
            ["steps"] = new JsonArray(new JsonObject
            {
                ["id"] = JsonValue.Create(new object()),
                ["type"] = JsonValue.Create('x'),
                ["retry"] = new JsonObject { ["max_attempts"] = JsonValue.Create(3m), ["backoff_coefficient"] = JsonValue.Create(double.NaN) },
            }),
        };

        var definition = DefinitionParser.Parse(json, out var errors);

        Assert.Null(definition);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Parse_DuplicateKeysInParsedJson_ReturnErrorsWithoutThrowing()
    {
        var json = JsonNode.Parse("""{"steps": [{"id": "a", "id": "b", "type": "action"}]}""");

        var definition = DefinitionParser.Parse(json, out var errors);

        Assert.Null(definition);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Parse_ConfigNestedTooDeep_ReportsConfig()
    {
        JsonNode deep = new JsonObject();
        for (var i = 0; i < 5_000; i++)
            deep = new JsonArray(deep);
        var json = new JsonObject
        {
            ["steps"] = new JsonArray(new JsonObject { ["id"] = "a", ["type"] = "action", ["config"] = new JsonObject { ["x"] = deep } }),
        };

        DefinitionParser.Parse(json, out var errors);

        Assert.Equal(("a", "config"), Assert.Single(errors) is var e ? (e.StepId, e.Field) : default);
    }
}
