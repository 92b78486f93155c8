using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

internal enum BinaryOp { Add, Subtract, Multiply, Divide, Modulo, Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual, In }

/// <summary>Every non-short-circuit binary operator. OperatorPosition points at the operator itself, which is
/// where a runtime error such as a division by zero is reported.</summary>
internal sealed class BinaryNode(int start, int end, BinaryOp op, string symbol, int operatorPosition, Node left, Node right)
    : Node(start, end)
{
    public BinaryOp Op { get; } = op;
    public Node Left { get; } = left;
    public Node Right { get; } = right;

    public override IEnumerable<Node> Children => [Left, Right];

    public override bool IsAtom => false;

    public override JsonNode? Eval(EvalContext context)
    {
        var a = Left.Eval(context);
        var b = Right.Eval(context);
        return Op switch
        {
            BinaryOp.Equal => JsonValue.Create(JsonValues.DeepEquals(a, b)),
            BinaryOp.NotEqual => JsonValue.Create(!JsonValues.DeepEquals(a, b)),
            BinaryOp.Less => JsonValue.Create(JsonValues.Compare(a, b) is < 0),
            BinaryOp.LessEqual => JsonValue.Create(JsonValues.Compare(a, b) is <= 0),
            BinaryOp.Greater => JsonValue.Create(JsonValues.Compare(a, b) is > 0),
            BinaryOp.GreaterEqual => JsonValue.Create(JsonValues.Compare(a, b) is >= 0),
            BinaryOp.In => JsonValue.Create(Contains(b, a)),
            BinaryOp.Add when JsonValues.Kind(a) == JsonValueKind.String || JsonValues.Kind(b) == JsonValueKind.String =>
                JsonValue.Create(EvalContext.CheckLength(
                    string.Concat(JsonValues.Stringify(a), JsonValues.Stringify(b)), operatorPosition)),
            _ => Arithmetic(a, b),
        };
    }

    private JsonNode Arithmetic(JsonNode? a, JsonNode? b)
    {
        if (!JsonValues.TryGetNumber(a, out var x) || !JsonValues.TryGetNumber(b, out var y))
            throw Error($"Operator '{symbol}' needs numbers but got {JsonValues.TypeName(a)} and {JsonValues.TypeName(b)}");
        if (Op is BinaryOp.Divide or BinaryOp.Modulo && y == 0)
            throw Error("Division by zero");
        try
        {
            return JsonValues.Number(Op switch
            {
                BinaryOp.Add => x + y,
                BinaryOp.Subtract => x - y,
                BinaryOp.Multiply => x * y,
                BinaryOp.Divide => x / y,
                _ => x % y,
            });
        }
        catch (OverflowException)
        {
            throw Error("Numeric overflow");
        }
    }

    /// <summary>The 'in' operator and contains(): membership in an array, substring of a string, key of an object.</summary>
    public static bool Contains(JsonNode? container, JsonNode? item) => container switch
    {
        JsonArray array => array.Any(element => JsonValues.DeepEquals(element, item)),
        JsonObject obj => JsonValues.IsString(item, out var key) && obj.ContainsKey(key),
        _ => JsonValues.IsString(container, out var text) && item is not null
             && text.Contains(JsonValues.Stringify(item), StringComparison.Ordinal),
    };

    private ExpressionException Error(string what) =>
        new($"{what} at position {operatorPosition}", operatorPosition);
}
