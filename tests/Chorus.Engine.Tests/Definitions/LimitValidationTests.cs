using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Definitions;

/// <summary>What the execution limits and duration maxima let validation refuse before anything runs.</summary>
public sealed class LimitValidationTests
{
    private static IReadOnlyList<DefinitionError> Validate(string steps, string extra = "") =>
        DefinitionValidator.Validate(TestWorkflows.Parse("{\"name\": \"w\", " + extra + " \"steps\": " + steps + "}"), BuiltInSteps.CreateRegistry());

    private static string DottedPath(int segments) => string.Join('.', Enumerable.Range(0, segments).Select(i => $"s{i}"));

    [Theory]
    [InlineData("""[{"id": "a", "type": "output", "timeout": "50d"}]""", "a", "timeout")]
    [InlineData("""[{"id": "a", "type": "output", "retry": {"initial_interval": "31d"}}]""", "a", "retry.initial_interval")]
    [InlineData("""[{"id": "a", "type": "output", "retry": {"max_interval": "31d"}}]""", "a", "retry.max_interval")]
    [InlineData("""[{"id": "a", "type": "wait", "config": {"duration": "367d"}}]""", "a", "config.duration")]
    public void Validate_DurationPastItsMaximum_NamesStepAndField(string steps, string stepId, string field)
    {
        var error = Assert.Single(Validate(steps));

        Assert.Equal((stepId, field), (error.StepId, error.Field));
        Assert.Contains("at most", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Validate_WorkflowTimeoutPastAYear_IsRefused_ButEveryDurationAtItsMaximumIsAccepted()
    {
        var error = Assert.Single(Validate("""[{"id": "a", "type": "output"}]""", "\"timeout\": \"400d\","));

        Assert.Equal((null, "timeout"), (error.StepId, error.Field));
        Assert.Empty(Validate("""
            [{"id": "a", "type": "wait", "config": {"duration": "366d"}, "timeout": "30d",
              "retry": {"initial_interval": "30d", "max_interval": "30d"}}]
            """, "\"timeout\": \"366d\","));
    }

    [Fact]
    public void Validate_FieldPathDeeperThanTheJsonDepth_NamesStepAndField()
    {
        var error = Assert.Single(Validate("""[{"id": "deep", "type": "addField", "config": {"field": "PATH", "value": 1}}]""".Replace("PATH", DottedPath(80))));

        Assert.Equal(("deep", "config.field"), (error.StepId, error.Field));
        Assert.Contains("JSON_MAX_DEPTH", error.Message);
        // At the limits: a variable nesting exactly JSON_MAX_DEPTH objects, the highest index.
        Assert.Empty(Validate("""[{"id": "a", "type": "addField", "config": {"field": "PATH", "value": 1}}]""".Replace("PATH", DottedPath(65))));
        Assert.Empty(Validate("""[{"id": "a", "type": "addField", "config": {"field": "x[10000]", "value": 1}}]"""));
    }

    [Theory]
    [InlineData("""{"field": "x[2147483646]", "value": 1}""", "config.field")]
    [InlineData("""{"field": "x[10000000]", "value": 1}""", "config.field")]
    [InlineData("""{"fields": {"ok": 1, "x.y[10001]": 2}}""", "config.fields")]
    public void Validate_ArrayIndexAboveTheLimit_NamesStepAndField(string config, string field)
    {
        var error = Assert.Single(Validate("""[{"id": "idx", "type": "addField", "config": CONFIG}]""".Replace("CONFIG", config)));

        Assert.Equal(("idx", field), (error.StepId, error.Field));
        Assert.Contains("JSON_MAX_ARRAY_INDEX", error.Message);
    }

    [Fact]
    public void Validate_SetVariableInsideAForeachBody_IsCheckedToo()
    {
        var error = Assert.Single(Validate("""
            [{"id": "loop", "type": "foreach", "config": {"items": [1],
              "step": {"type": "action", "config": {"action": "set_variable", "name": "x[99999]", "value": 1}}}}]
            """));

        Assert.Equal(("loop", "config.step.config.name"), (error.StepId, error.Field));
    }

    [Fact]
    public void Validate_NestedLiteralLoopsPastTheBudget_AreRefused()
    {
        var items = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode?)i).ToArray()).ToJsonString();
        var inner = """{"type": "addField", "config": {"field": "x", "value": 1}}""";
        for (var level = 0; level < 2; level++)
            inner = """{"type": "foreach", "config": {"items": ITEMS, "step": INNER}}""".Replace("ITEMS", items).Replace("INNER", inner);

        var error = Assert.Single(Validate("""[{"id": "loops", "type": "foreach", "config": {"items": ITEMS, "step": INNER}}]""".Replace("ITEMS", items).Replace("INNER", inner)));

        Assert.Equal(("loops", "config.items"), (error.StepId, error.Field));
        Assert.Contains("LOOP_MAX_ITERATIONS", error.Message);
    }

    [Fact]
    public void Validate_RegistryLimits_AreTheOnesApplied()
    {
        var registry = BuiltInSteps.CreateRegistry();
        registry.Limits = registry.Limits with { MaxArrayIndex = 5 };
        var definition = TestWorkflows.Parse("""{"name": "w", "steps": [{"id": "a", "type": "addField", "config": {"field": "x[6]", "value": 1}}]}""");

        Assert.Single(DefinitionValidator.Validate(definition, registry));
    }
}
