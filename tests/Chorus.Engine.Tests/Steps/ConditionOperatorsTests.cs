using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Steps;

public sealed class ConditionOperatorsTests
{
    [Theory]
    [InlineData("equals", "1", "1.0", true)]
    [InlineData("equals", "\"5\"", "5", true)]
    [InlineData("equals", "\"5\"", "\"5.0\"", false)]
    [InlineData("equals", "\"a\"", "\"A\"", false)]
    [InlineData("equals", "null", "null", true)]
    [InlineData("equals", "{\"a\": [1]}", "{\"a\": [1]}", true)]
    [InlineData("equals", "true", "\"true\"", false)]
    [InlineData("not_equals", "1", "2", true)]
    [InlineData("contains", "\"hello\"", "\"ell\"", true)]
    [InlineData("contains", "[1, 2, 3]", "2.0", true)]
    [InlineData("contains", "{\"k\": 1}", "\"k\"", true)]
    [InlineData("contains", "null", "\"x\"", false)]
    [InlineData("not_contains", "\"hello\"", "\"z\"", true)]
    [InlineData("greater_than", "10", "9", true)]
    [InlineData("greater_than", "\"10\"", "9", true)]
    [InlineData("greater_than", "\"10\"", "\"9\"", true)]
    [InlineData("greater_than", "\"2030-01-01T00:00:00Z\"", "\"2029-12-31T23:59:59Z\"", true)]
    [InlineData("greater_than", "\"abc\"", "1", false)]
    [InlineData("greater_than", "null", "1", false)]
    [InlineData("greater_than_or_equal", "3", "3", true)]
    [InlineData("less_than", "2", "3", true)]
    [InlineData("less_than", "3", "3", false)]
    [InlineData("less_than_or_equal", "3", "3.0", true)]
    [InlineData("in", "\"b\"", "[\"a\", \"b\"]", true)]
    [InlineData("in", "\"c\"", "[\"a\", \"b\"]", false)]
    [InlineData("not_in", "\"c\"", "[\"a\", \"b\"]", true)]
    [InlineData("exists", "0", "null", true)]
    [InlineData("exists", "null", "null", false)]
    [InlineData("not_exists", "null", "null", true)]
    public void Evaluate_OperatorTable_MatchesExpectation(string op, string actual, string expected, bool result)
    {
        Assert.Equal(result, ConditionOperators.Evaluate(op, JsonNode.Parse(actual), true, JsonNode.Parse(expected)));
    }

    [Fact]
    public void Evaluate_ExistsOnMissingPath_IsFalse()
    {
        Assert.False(ConditionOperators.Evaluate("exists", null, false, null));
        Assert.True(ConditionOperators.Evaluate("not_exists", null, false, null));
    }

    [Fact]
    public void All_ListsEveryOperatorEvaluateKnows()
    {
        Assert.Equal(12, ConditionOperators.All.Count);
        foreach (var op in ConditionOperators.All)
            _ = ConditionOperators.Evaluate(op, JsonValue.Create(1), true, new JsonArray(1));
        Assert.Throws<StepConfigurationException>(() => ConditionOperators.Evaluate("like", null, true, null));
    }
}
