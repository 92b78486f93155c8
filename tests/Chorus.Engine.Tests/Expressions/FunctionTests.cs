using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Tests.Expressions;

public class FunctionTests
{
    [Theory]
    [InlineData("length('abc')", "3")]
    [InlineData("length('')", "0")]
    [InlineData("length('😀a')", "2")]
    [InlineData("length($.input.tags)", "3")]
    [InlineData("length($.input)", "6")]
    [InlineData("length($.missing)", "0")]
    [InlineData("lower('AbC')", "\"abc\"")]
    [InlineData("upper('AbC')", "\"ABC\"")]
    [InlineData("lower($.missing)", "null")]
    [InlineData("trim('  x y  ')", "\"x y\"")]
    [InlineData("contains('hello', 'ell')", "true")]
    [InlineData("contains('hello', 'xyz')", "false")]
    [InlineData("contains($.input.tags, 'b')", "true")]
    [InlineData("contains($.input, 'age')", "true")]
    [InlineData("contains($.missing, 'a')", "false")]
    [InlineData("startsWith('hello', 'he')", "true")]
    [InlineData("startsWith('hello', 'lo')", "false")]
    [InlineData("startsWith($.missing, '')", "false")]
    [InlineData("endsWith('hello', 'lo')", "true")]
    [InlineData("endsWith('hello', 'he')", "false")]
    [InlineData("coalesce($.missing, null, 'x', 'y')", "\"x\"")]
    [InlineData("coalesce($.missing)", "null")]
    [InlineData("coalesce($.variables.count, 5)", "0")]
    [InlineData("string(12.50)", "\"12.5\"")]
    [InlineData("string(true)", "\"true\"")]
    [InlineData("string(null)", "\"\"")]
    [InlineData("string([1, 2])", "\"[1,2]\"")]
    [InlineData("number('42')", "42")]
    [InlineData("number(' -1.5 ')", "-1.5")]
    [InlineData("number(true)", "1")]
    [InlineData("number(null)", "null")]
    [InlineData("bool('false')", "false")]
    [InlineData("bool('TRUE')", "true")]
    [InlineData("bool('x')", "true")]
    [InlineData("bool(0)", "false")]
    [InlineData("bool([])", "false")]
    [InlineData("not(0)", "true")]
    [InlineData("not('x')", "false")]
    [InlineData("keys($.variables)", "[\"email\",\"count\",\"flag\",\"key with space\"]")]
    [InlineData("keys($.missing)", "[]")]
    [InlineData("join($.input.tags, '-')", "\"a-b-c\"")]
    [InlineData("join($.input.tags)", "\"a,b,c\"")]
    [InlineData("join([1, null, true], '|')", "\"1||true\"")]
    [InlineData("split('a,b,,c', ',')", "[\"a\",\"b\",\"\",\"c\"]")]
    [InlineData("split('abc', '')", "[\"a\",\"b\",\"c\"]")]
    [InlineData("split($.missing, ',')", "[]")]
    [InlineData("round(2.5)", "3")]
    [InlineData("round(-2.5)", "-3")]
    [InlineData("round(3.14159, 2)", "3.14")]
    [InlineData("abs(-4.5)", "4.5")]
    [InlineData("min(3, 1, 2)", "1")]
    [InlineData("max(3, 1, 2)", "3")]
    [InlineData("min([4, 9, null, 2])", "2")]
    [InlineData("max([])", "null")]
    [InlineData("sum([1, 2.5, null, 3])", "6.5")]
    [InlineData("sum([])", "0")]
    [InlineData("isEmpty(null)", "true")]
    [InlineData("isEmpty('')", "true")]
    [InlineData("isEmpty([])", "true")]
    [InlineData("isEmpty($.eo)", "true")]
    [InlineData("isEmpty(' ')", "false")]
    [InlineData("isEmpty(0)", "false")]
    [InlineData("isEmpty($.input.tags)", "false")]
    [InlineData("matches('ada@example.com', '^[^@]+@[^@]+$')", "true")]
    [InlineData("matches('nope', '^\\\\d+$')", "false")]
    [InlineData("matches('abab', '(ab)\\\\1')", "true")]
    [InlineData("matches($.variables.email, $.pattern)", "true")]
    [InlineData("matches($.missing, 'x')", "false")]
    public void Evaluate_Function_ReturnsExpectedValue(string text, string expected)
    {
        var context = JsonNode.Parse(Eval.Context)!.AsObject();
        context["pattern"] = "example\\.com$";
        context["eo"] = new JsonObject();
        Assert.Equal(expected, Expression.Parse(text).Evaluate(context)?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Evaluate_Now_UsesTimeProvider()
    {
        var time = new FixedTime(new DateTimeOffset(2024, 2, 29, 13, 5, 9, 120, TimeSpan.FromHours(2)));
        Assert.Equal("2024-02-29T11:05:09.120Z", Expression.Parse("now()").Evaluate(null, time)!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_NowWithoutTimeProvider_UsesSystemClock()
    {
        var text = Expression.Parse("now()").Evaluate(null)!.GetValue<string>();
        var parsed = DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - parsed).TotalMinutes) < 5);
        Assert.EndsWith("Z", text);
    }

    [Theory]
    [InlineData("length(5)", "length() expects")]
    [InlineData("number('abc')", "Cannot convert 'abc'")]
    [InlineData("number([1])", "Cannot convert a array")]
    [InlineData("keys([1])", "keys() expects an object")]
    [InlineData("join('abc', ',')", "join() expects an array")]
    [InlineData("abs('x')", "abs() expects a number")]
    [InlineData("round(1.5, 1.5)", "whole number of digits")]
    [InlineData("min(1, 'a')", "min() expects numbers")]
    [InlineData("sum(['a'])", "sum() expects numbers")]
    [InlineData("sum('a')", "sum() expects an array")]
    [InlineData("matches('a', $.bad)", "Invalid regular expression")]
    public void Evaluate_FunctionWithBadArgument_ThrowsAtCallPosition(string text, string message)
    {
        var error = Eval.RunError("1 + " + text, """{"bad": "(unclosed"}""");
        Assert.Contains(message, error.Message);
        Assert.Equal(4, error.Position);
    }

    [Fact]
    public void Evaluate_SplitBeyondItemLimit_Throws()
    {
        var context = new JsonObject { ["s"] = string.Join(",", Enumerable.Repeat("x", 10_001)) };
        var error = Assert.Throws<ExpressionException>(() => Expression.Parse("split($.s, ',')").Evaluate(context));
        Assert.Contains("10000 items", error.Message);
    }

    [Fact]
    public void Evaluate_SplitAtItemLimit_Succeeds()
    {
        var context = new JsonObject { ["s"] = string.Join(",", Enumerable.Repeat("x", 10_000)) };
        Assert.Equal(10_000, Expression.Parse("split($.s, ',')").Evaluate(context)!.AsArray().Count);
    }

    [Fact]
    public void Evaluate_ConcatenationBeyondOneMegabyte_Throws()
    {
        var context = new JsonObject { ["s"] = new string('x', 600_000) };
        var error = Assert.Throws<ExpressionException>(() => Expression.Parse("$.s + $.s").Evaluate(context));
        Assert.Contains("String result longer", error.Message);
        Assert.Equal(4, error.Position);
    }

    [Fact]
    public void Evaluate_JoinBeyondOneMegabyte_Throws()
    {
        var context = new JsonObject { ["a"] = new JsonArray(new string('x', 600_000), new string('y', 600_000)) };
        Assert.Throws<ExpressionException>(() => Expression.Parse("join($.a, '')").Evaluate(context));
    }

    [Fact]
    public void Evaluate_CatastrophicPattern_CompletesQuickly()
    {
        var context = new JsonObject { ["s"] = new string('a', 5000) + "!" };
        var started = DateTime.UtcNow;
        Assert.False(Expression.Parse("matches($.s, '^(a+)+$')").Evaluate(context)!.GetValue<bool>());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
