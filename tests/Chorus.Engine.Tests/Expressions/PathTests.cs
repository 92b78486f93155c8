using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class PathTests
{
    [Theory]
    [InlineData("$.input.name", "\"Ada\"")]
    [InlineData("$.input.nested.deep.value", "7")]
    [InlineData("$.input.tags[0]", "\"a\"")]
    [InlineData("$.input.tags[2]", "\"c\"")]
    [InlineData("$.input.tags[-1]", "\"c\"")]
    [InlineData("$.input.tags[-3]", "\"a\"")]
    [InlineData("$['variables']['key with space']", "\"spaced\"")]
    [InlineData("$.variables[\"email\"]", "\"ada@example.com\"")]
    [InlineData("$.input.tags[1 + 1]", "\"c\"")]
    [InlineData("$.enrich_data.success", "true")]
    [InlineData("$.input.tags", "[\"a\",\"b\",\"c\"]")]
    public void Evaluate_Path_ReadsFromContext(string text, string expected) => Assert.Equal(expected, Eval.Json(text));

    [Theory]
    [InlineData("variables.email", "\"ada@example.com\"")]
    [InlineData("input.tags[0]", "\"a\"")]
    [InlineData("input.nested.deep.value + 1", "8")]
    public void Evaluate_BareIdentifierPath_ReadsFromRoot(string text, string expected) => Assert.Equal(expected, Eval.Json(text));

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.missing.deeper.still")]
    [InlineData("$.input.tags[10]")]
    [InlineData("$.input.tags[-4]")]
    [InlineData("$.input.tags[0.5]")]
    [InlineData("$.input.tags['x']")]
    [InlineData("$.input.name.length")]
    [InlineData("$.input[0]")]
    [InlineData("nothing")]
    public void Evaluate_MissingPath_IsNull(string text) => Assert.Null(Eval.Run(text));

    [Fact]
    public void Evaluate_KeywordAsMemberName_IsAnOrdinaryKey() =>
        Assert.Equal("1", Eval.Json("$.null + $.in", """{"null": 0, "in": 1}"""));

    [Fact]
    public void Evaluate_RootOnly_ReturnsCopyOfContext()
    {
        var context = JsonNode.Parse("""{"a": 1}""")!;
        var result = Expression.Parse("$").Evaluate(context)!;
        result["a"] = 2;
        Assert.Equal(1, (int)context["a"]!);
    }

    [Fact]
    public void Evaluate_ResultFromContext_CanBeAttachedElsewhere()
    {
        var context = JsonNode.Parse("""{"a": {"b": [1, 2]}}""")!;
        var result = Expression.Parse("$.a.b").Evaluate(context);
        var target = new JsonObject { ["copy"] = result };
        Assert.Equal("""{"copy":[1,2]}""", target.ToJsonString());
        Assert.Equal("[1,2]", context["a"]!["b"]!.ToJsonString());
    }

    [Fact]
    public void Evaluate_NullRoot_PathsAreNull() => Assert.Null(Expression.Parse("$.a.b").Evaluate(null));

    [Fact]
    public void Evaluate_ContextBuiltInCode_ReadsClrNumbers()
    {
        var context = new JsonObject { ["i"] = 2, ["d"] = 1.5, ["l"] = 3L, ["m"] = 0.25m };
        Assert.Equal("6.75", Expression.Parse("$.i + $.d + $.l + $.m").Evaluate(context)!.ToJsonString());
    }

    [Fact]
    public void Evaluate_SameExpressionInParallel_GivesSameResults()
    {
        var expression = Expression.Parse("$.n * 2 + length($.s)");
        var results = Enumerable.Range(0, 200).AsParallel()
            .Select(i => (int)expression.Evaluate(new JsonObject { ["n"] = i, ["s"] = "abc" })!)
            .ToArray();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2 + 3), results);
    }

    [Fact]
    public void Evaluate_NumberResult_ReadsAsAnyNumericType()
    {
        var result = Expression.Parse("[1 + 1, 2.5]").Evaluate(null)!.AsArray();
        Assert.Equal(2, result[0]!.GetValue<int>());
        Assert.Equal(2L, result[0]!.GetValue<long>());
        Assert.Equal(2.5, result[1]!.GetValue<double>());
        Assert.Equal(2.5m, result[1]!.GetValue<decimal>());
    }
}
