using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class ConditionStepTests
{
    private const string Data = """
        {"input": {"age": 30, "tags": ["a", "b"]}, "variables": {"email": "ada@example.com", "user_status": "active"},
         "enrich_data": {"success": true, "score": 0.8}}
        """;

    [Theory]
    [InlineData("email", "contains", "\"@\"", true)]
    [InlineData("user_status", "equals", "\"active\"", true)]
    [InlineData("user_status", "equals", "\"inactive\"", false)]
    [InlineData("age", "greater_than", "18", true)]
    [InlineData("tags", "contains", "\"b\"", true)]
    [InlineData("enrich_data.success", "equals", "true", true)]
    [InlineData("$.enrich_data.score", "less_than", "0.5", false)]
    [InlineData("tags[1]", "equals", "\"b\"", true)]
    [InlineData("missing", "not_exists", "null", true)]
    public async Task ExecuteAsync_StructuredConfig_RoutesByResult(string field, string op, string value, bool expected)
    {
        var step = Step("condition", $$"""{"field": "{{field}}", "operator": "{{op}}", "value": {{value}}}""",
            next: ["yes", "no"]);

        var completed = AssertCompleted(await RunAsync(Handler("condition"), step, Data));

        Assert.Equal(expected, completed.Output!["result"]!.GetValue<bool>());
        Assert.Equal([expected ? "yes" : "no"], completed.ChosenNext);
        Assert.Equal(expected ? "yes" : "no", completed.Output["next"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_FalseWithoutSecondBranch_ChoosesNothing()
    {
        var step = Step("condition", """{"field": "user_status", "operator": "equals", "value": "gone"}""", next: ["yes"]);

        var completed = AssertCompleted(await RunAsync(Handler("condition"), step, Data));

        Assert.Empty(completed.ChosenNext!);
        Assert.Null(completed.Output!["next"]);
    }

    [Fact]
    public async Task ExecuteAsync_StepLevelConditions_AllMustHold()
    {
        var conditions = """
            [{"field": "email", "operator": "contains", "value": "@"},
             {"field": "age", "operator": "greater_than_or_equal", "value": 31}]
            """;
        var step = Step("condition", next: ["send_welcome", "send_error"], conditions: conditions);

        var completed = AssertCompleted(await RunAsync(Handler("condition"), step, Data));

        Assert.Equal(["send_error"], completed.ChosenNext);
    }

    [Fact]
    public async Task ExecuteAsync_VariablesShadowInput_ReadsVariablesFirst()
    {
        var step = Step("condition", """{"field": "name", "operator": "equals", "value": "var"}""", next: ["a", "b"]);

        var completed = AssertCompleted(await RunAsync(Handler("condition"), step,
            """{"input": {"name": "in"}, "variables": {"name": "var"}}"""));

        Assert.Equal(["a"], completed.ChosenNext);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownOperatorAtRunTime_ThrowsConfigurationError()
    {
        var step = Step("condition", """{"field": "email", "operator": "resembles", "value": 1}""", next: ["a"]);

        await Assert.ThrowsAsync<StepConfigurationException>(() => RunAsync(Handler("condition"), step, Data));
    }

    [Fact]
    public async Task ExecuteAsync_ExpressionStyle_FirstHoldingConditionWins()
    {
        var step = Step("condition", """
            {"conditions": [{"condition": "$.enrich_data.success == false", "next": "a"},
                            {"condition": "$.enrich_data.success == true", "next": "output_success"}],
             "default": "output_failure"}
            """);

        var completed = AssertCompleted(await RunAsync(Handler("condition"), step, Data));

        Assert.Equal(["output_success"], completed.ChosenNext);
        Assert.Equal(1, completed.Output!["matched_index"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExecuteAsync_ExpressionStyleNoneHolds_TakesDefault()
    {
        var step = Step("condition", """
            {"conditions": [{"condition": "$.enrich_data.success == false", "next": "a"}], "default": "output_failure"}
            """);

        var completed = AssertCompleted(await RunAsync(Handler("condition"), step, Data));

        Assert.Equal(["output_failure"], completed.ChosenNext);
        Assert.False(completed.Output!["result"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ExecuteAsync_ExpressionDoesNotParse_ThrowsConfigurationError()
    {
        var step = Step("condition", """{"conditions": [{"condition": "$.a == ", "next": "a"}]}""");

        await Assert.ThrowsAsync<StepConfigurationException>(() => RunAsync(Handler("condition"), step, Data));
    }

    [Theory]
    [InlineData("""{"operator": "equals", "value": 1}""", "config.field")]
    [InlineData("""{"field": "a", "operator": "like"}""", "config.operator")]
    [InlineData("""{"conditions": [{"next": "x"}]}""", "config.conditions[0].condition")]
    [InlineData("""{"conditions": [{"condition": "$.a", "next": 3}]}""", "config.conditions[0].next")]
    [InlineData("""{"conditions": [{"condition": "$.a"}], "default": 5}""", "config.default")]
    [InlineData("""{"conditions": "x"}""", "config.conditions")]
    [InlineData("""{"conditions": [{"field": "a", "operator": "nope"}]}""", "config.conditions[0].operator")]
    public void ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Contains(field, Fields(Handler("condition"), Step("condition", config)));
    }

    [Fact]
    public void ValidateConfig_StepLevelConditionWithoutField_ReportsIt()
    {
        var step = Step("condition", conditions: """[{"operator": "equals", "value": 1}]""");

        Assert.Equal(["conditions[0].field"], Fields(Handler("condition"), step));
    }

    [Theory]
    [InlineData("""{"field": "email", "operator": "contains", "value": "@"}""")]
    [InlineData("""{"conditions": [{"condition": "$.a == 1", "next": "x"}], "default": "y"}""")]
    public void ValidateConfig_GoodConfig_NoIssues(string config)
    {
        Assert.Empty(Handler("condition").ValidateConfig(Step("condition", config)));
    }
}
