using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class WarningTests
{
    [Theory]
    [InlineData("$.enrich_data.success == true", "$.enrich_data.success")]
    [InlineData("true == $.a.b", "$.a.b")]
    [InlineData("$.ok != false", "$.ok")]
    [InlineData("$.failed == false", "!$.failed")]
    [InlineData("false == $.failed", "!$.failed")]
    [InlineData("$.ok != true", "!$.ok")]
    [InlineData("contains($.a, 'x') == true", "contains($.a, 'x')")]
    [InlineData("($.a && $.b) == false", "!($.a && $.b)")]
    [InlineData("($.a || $.b)   ==   true", "$.a || $.b")]
    public void Parse_ComparisonWithBooleanLiteral_WarnsWithSimplification(string text, string simplified)
    {
        var warning = Assert.Single(Expression.Parse(text).Warnings);
        Assert.Equal("expression_simplification", warning.Code);
        Assert.Equal($"The expression can be simplified to '{simplified}'", warning.Message);
    }

    [Fact]
    public void Parse_NestedComparisons_WarnsForEach()
    {
        var warnings = Expression.Parse("$.a == true && $.b == false").Warnings;
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Message.EndsWith("'$.a'"));
        Assert.Contains(warnings, w => w.Message.EndsWith("'!$.b'"));
    }

    [Theory]
    [InlineData("$.a")]
    [InlineData("$.a == 1")]
    [InlineData("$.a == 'true'")]
    [InlineData("true == false")]
    [InlineData("$.a && true")]
    public void Parse_NoBooleanComparison_HasNoWarnings(string text) => Assert.Empty(Expression.Parse(text).Warnings);
}
