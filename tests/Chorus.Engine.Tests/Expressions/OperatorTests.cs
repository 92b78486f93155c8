namespace Chorus.Engine.Tests.Expressions;

public class OperatorTests
{
    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 4 - 3", "3")]
    [InlineData("24 / 4 / 2", "3")]
    [InlineData("2 * 3 % 4", "2")]
    [InlineData("-2 * 3", "-6")]
    [InlineData("-(2 + 3)", "-5")]
    [InlineData("- -4", "4")]
    [InlineData("1 + 2 < 4", "true")]
    [InlineData("1 < 2 == 2 < 3", "true")]
    [InlineData("!false && false", "false")]
    [InlineData("!(false && false)", "true")]
    [InlineData("true || false && false", "true")]
    [InlineData("(true || false) && false", "false")]
    [InlineData("1 == 1 && 2 == 2", "true")]
    [InlineData("'b' in ['a', 'b'] && true", "true")]
    [InlineData("!$.variables.count", "true")]
    public void Evaluate_Precedence_FollowsUsualRules(string text, string expected) => Assert.Equal(expected, Eval.Json(text));

    [Theory]
    [InlineData("7 + 3", "10")]
    [InlineData("7 - 10", "-3")]
    [InlineData("7 * 3", "21")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("7 % 3", "1")]
    [InlineData("0.1 + 0.2", "0.3")]
    [InlineData("2 * 1.5", "3")]
    [InlineData("$.input.price * 2", "5")]
    [InlineData("1 / 4 * 4", "1")]
    [InlineData("1 / 3", "0.3333333333333333333333333333")]
    public void Evaluate_Arithmetic_ComputesDecimal(string text, string expected) => Assert.Equal(expected, Eval.Json(text));

    [Theory]
    [InlineData("'a' + 'b'", "ab")]
    [InlineData("'n=' + 5", "n=5")]
    [InlineData("5 + 'x'", "5x")]
    [InlineData("'v:' + true", "v:true")]
    [InlineData("'v:' + null", "v:")]
    [InlineData("'hi ' + $.input.name", "hi Ada")]
    [InlineData("'t:' + $.input.tags", "t:[\"a\",\"b\",\"c\"]")]
    [InlineData("1 + 2 + 'x'", "3x")]
    public void Evaluate_PlusWithString_Concatenates(string text, string expected) =>
        Assert.Equal(expected, Eval.Run(text)!.GetValue<string>());

    [Theory]
    [InlineData("1 == 1.0", true)]
    [InlineData("1 != 1.0", false)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'a' == 'A'", false)]
    [InlineData("1 == '1'", false)]
    [InlineData("null == null", true)]
    [InlineData("$.missing == null", true)]
    [InlineData("0 == null", false)]
    [InlineData("false == null", false)]
    [InlineData("[1, 2] == [1, 2.0]", true)]
    [InlineData("[1, 2] == [2, 1]", false)]
    [InlineData("$.t == ['a', 'b', 'c']", true)]
    [InlineData("$.input.nested == $.input.nested", true)]
    [InlineData("$.a == $.b", true)]
    [InlineData("$.a == $.c", false)]
    [InlineData("$.a != $.c", true)]
    public void Evaluate_Equality_ComparesDeeply(string text, bool expected)
    {
        const string context = """{"a": {"x": 1, "y": [1, {"z": null}]}, "b": {"y": [1.0, {"z": null}], "x": 1}, "c": {"x": 1}, "t": ["a", "b", "c"]}""";
        Assert.Equal(expected, Eval.Run(text, context)!.GetValue<bool>());
    }

    [Theory]
    [InlineData("1 < 2", true)]
    [InlineData("2 < 1", false)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 > 2.5", true)]
    [InlineData("2 >= 3", false)]
    [InlineData("'apple' < 'banana'", true)]
    [InlineData("'b' >= 'a'", true)]
    [InlineData("1 < 'a'", false)]
    [InlineData("'a' > 1", false)]
    [InlineData("null < 1", false)]
    [InlineData("null >= 1", false)]
    [InlineData("true > false", false)]
    [InlineData("[1] < [2]", false)]
    [InlineData("$.input.age >= 18", true)]
    public void Evaluate_Comparison_OrdersCompatibleTypes(string text, bool expected) =>
        Assert.Equal(expected, Eval.Run(text)!.GetValue<bool>());

    [Theory]
    [InlineData("'b' in $.input.tags", true)]
    [InlineData("'z' in $.input.tags", false)]
    [InlineData("1 in [1.0, 2]", true)]
    [InlineData("[1] in [[1], [2]]", true)]
    [InlineData("'da' in 'Ada'", true)]
    [InlineData("'x' in 'Ada'", false)]
    [InlineData("'name' in $.input", true)]
    [InlineData("'nope' in $.input", false)]
    [InlineData("'a' in $.missing", false)]
    [InlineData("'a' in 5", false)]
    public void Evaluate_In_ChecksMembership(string text, bool expected) =>
        Assert.Equal(expected, Eval.Run(text)!.GetValue<bool>());

    [Theory]
    [InlineData("true && true", true)]
    [InlineData("true && 0", false)]
    [InlineData("'x' && [1]", true)]
    [InlineData("false || ''", false)]
    [InlineData("false || 'x'", true)]
    [InlineData("!null", true)]
    [InlineData("!'text'", false)]
    [InlineData("!!$.input.empty", false)]
    public void Evaluate_Logical_UsesTruthinessAndReturnsBool(string text, bool expected) =>
        Assert.Equal(expected, Eval.Run(text)!.GetValue<bool>());

    [Theory]
    [InlineData("false && 1 / 0")]
    [InlineData("true || 1 / 0")]
    [InlineData("$.missing && -'x'")]
    public void Evaluate_Logical_ShortCircuits(string text) => Eval.Run(text);

    [Theory]
    [InlineData("1 / 0", "Division by zero", 2)]
    [InlineData("5 % 0", "Division by zero", 2)]
    [InlineData("'a' * 2", "needs numbers", 4)]
    [InlineData("$.missing - 1", "needs numbers", 10)]
    [InlineData("-'x'", "Cannot negate", 0)]
    [InlineData("[1] + [2]", "needs numbers", 4)]
    public void Evaluate_InvalidArithmetic_ThrowsWithPosition(string text, string message, int position)
    {
        var error = Eval.RunError(text);
        Assert.Contains(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Contains($"at position {position}", error.Message);
    }

    [Fact]
    public void Evaluate_DecimalOverflow_ThrowsExpressionException() =>
        Assert.Contains("overflow", Eval.RunError("79228162514264337593543950335 * 10").Message);
}
