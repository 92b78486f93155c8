using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class TruthinessTests
{
    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("\"\"", false)]
    [InlineData("[]", false)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("-0.5", true)]
    [InlineData("\"false\"", true)]
    [InlineData("\" \"", true)]
    [InlineData("[0]", true)]
    [InlineData("{}", true)]
    public void IsTruthy_JsonValue_FollowsRules(string json, bool expected) =>
        Assert.Equal(expected, Truthiness.IsTruthy(JsonNode.Parse(json)));

    [Fact]
    public void IsTruthy_ClrCreatedZero_IsFalse() => Assert.False(Truthiness.IsTruthy(JsonValue.Create(0m)));

    [Theory]
    [InlineData("$.enrich_data.success", true)]
    [InlineData("$.enrich_data.success == true", true)]
    [InlineData("$.variables.count", false)]
    [InlineData("$.missing", false)]
    public void EvaluateCondition_Expression_ReturnsTruthiness(string text, bool expected) =>
        Assert.Equal(expected, Expression.Parse(text).EvaluateCondition(JsonNode.Parse(Eval.Context)));
}
