namespace Chorus.Engine.Tests.Expressions;

public class LiteralTests
{
    [Theory]
    [InlineData("42", "42")]
    [InlineData("3.25", "3.25")]
    [InlineData("0.5", "0.5")]
    [InlineData(".5", "0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("-7", "-7")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", "null")]
    [InlineData("[1, 'a', true, null]", "[1,\"a\",true,null]")]
    [InlineData("[]", "[]")]
    [InlineData("[$.input.age, [2]]", "[36,[2]]")]
    public void Evaluate_Literal_HasValue(string text, string expected) => Assert.Equal(expected, Eval.Json(text));

    [Theory]
    [InlineData("'single'", "single")]
    [InlineData("\"double\"", "double")]
    [InlineData("'it\\'s'", "it's")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("'a\\nb'", "a\nb")]
    [InlineData("'a\\tb'", "a\tb")]
    [InlineData("'back\\\\slash'", "back\\slash")]
    [InlineData("'\\u00e9t\\u00E9'", "été")]
    [InlineData("'\"'", "\"")]
    [InlineData("\"'\"", "'")]
    [InlineData("''", "")]
    public void Evaluate_StringLiteral_UnescapesText(string text, string expected) =>
        Assert.Equal(expected, Eval.Run(text)!.GetValue<string>());

    [Fact]
    public void Parse_InvalidEscape_ReportsPosition()
    {
        var error = Eval.ParseError("'ab\\q'");
        Assert.Equal(3, error.Position);
        Assert.Contains("escape", error.Message);
    }
}
