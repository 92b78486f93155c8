using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class ParseErrorTests
{
    [Theory]
    [InlineData("(1 + 2", "Expected ')' at position 6", 6)]
    [InlineData("$.a == (1 + (2 * 3)", "Expected ')' at position 19", 19)]
    [InlineData("1 + 2)", "Unexpected ')' at position 5", 5)]
    [InlineData("1 +", "Expected an expression at position 3", 3)]
    [InlineData("$.a &&", "Expected an expression at position 6", 6)]
    [InlineData("", "Expected an expression at position 0", 0)]
    [InlineData("   ", "Expected an expression at position 3", 3)]
    [InlineData("* 2", "Expected an expression at position 0", 0)]
    [InlineData("1 2", "Unexpected '2' at position 2", 2)]
    [InlineData("$.", "Expected a property name after '.' at position 2", 2)]
    [InlineData("$.a[0", "Expected ']' at position 5", 5)]
    [InlineData("[1, 2", "Expected ',' or ']' at position 5", 5)]
    [InlineData("lower('a'", "Expected ',' or ')' at position 9", 9)]
    [InlineData("'abc", "Unterminated string starting at position 0", 0)]
    [InlineData("$.a == \"x", "Unterminated string starting at position 7", 7)]
    [InlineData("$.a = 1", "Unexpected '=' at position 4", 4)]
    [InlineData("$.a & $.b", "Unexpected '&' at position 4", 4)]
    [InlineData("$.a # 1", "Unexpected character '#' at position 4", 4)]
    [InlineData("12abc", "Invalid number at position 0", 0)]
    [InlineData("in", "Expected an expression at position 0", 0)]
    public void Parse_Malformed_ReportsWhatWasExpectedAndWhere(string text, string message, int position)
    {
        var error = Eval.ParseError(text);
        Assert.StartsWith(message, error.Message);
        Assert.Equal(position, error.Position);
    }

    [Theory]
    [InlineData("foo(1)", "Unknown function 'foo'", 0)]
    [InlineData("1 + Length('a')", "Unknown function 'Length'", 4)]
    [InlineData("$.a && eval('x')", "Unknown function 'eval'", 7)]
    public void Parse_UnknownFunction_FailsAtParseTime(string text, string message, int position)
    {
        var error = Eval.ParseError(text);
        Assert.Contains(message, error.Message);
        Assert.Equal(position, error.Position);
    }

    [Theory]
    [InlineData("lower()", "Function 'lower' expects 1 argument but got 0")]
    [InlineData("contains('a')", "Function 'contains' expects 2 arguments but got 1")]
    [InlineData("round(1, 2, 3)", "Function 'round' expects 1 to 2 arguments but got 3")]
    [InlineData("now(1)", "Function 'now' expects 0 arguments but got 1")]
    [InlineData("coalesce()", "Function 'coalesce' expects at least 1 argument but got 0")]
    public void Parse_WrongArgumentCount_FailsAtParseTime(string text, string message) =>
        Assert.StartsWith(message, Eval.ParseError(text).Message);

    [Fact]
    public void Parse_InvalidLiteralRegex_FailsAtParseTime()
    {
        var error = Eval.ParseError("matches($.a, '(unclosed')");
        Assert.Contains("Invalid regular expression", error.Message);
        Assert.Equal(13, error.Position);
    }

    [Fact]
    public void Parse_TooLong_Fails()
    {
        var error = Eval.ParseError("1" + new string(' ', 4096));
        Assert.Contains("too long", error.Message);
    }

    [Fact]
    public void Parse_AtMaximumLength_Succeeds() =>
        Assert.Equal("1", Expression.Parse("1" + new string(' ', 4095)).Evaluate(null)!.ToJsonString());

    [Fact]
    public void Parse_TooDeeplyNestedParentheses_Fails()
    {
        var error = Eval.ParseError(new string('(', 65) + "1" + new string(')', 65));
        Assert.Contains("too deeply nested", error.Message);
        Assert.Equal(64, error.Position);
    }

    [Fact]
    public void Parse_NestedWithinLimit_Succeeds() =>
        Assert.Equal("1", Expression.Parse(new string('(', 60) + "1" + new string(')', 60)).Evaluate(null)!.ToJsonString());

    [Fact]
    public void Parse_TooManyUnaryOperators_Fails() =>
        Assert.Contains("too deeply nested", Eval.ParseError(new string('!', 100) + "true").Message);

    [Fact]
    public void Parse_LongOperatorChain_Fails() =>
        Assert.Contains("too deeply nested", Eval.ParseError(string.Join("+", Enumerable.Repeat("1", 1000))).Message);

    [Fact]
    public void Parse_DeeplyNestedFunctionCalls_Fails() =>
        Assert.Contains("too deeply nested", Eval.ParseError(string.Concat(Enumerable.Repeat("lower(", 70)) + "'a'" + new string(')', 70)).Message);
}
