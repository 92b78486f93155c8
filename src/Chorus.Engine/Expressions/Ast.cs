using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>A parsed expression node. Start/End locate its source so warnings can quote it and runtime errors
/// can point at it. Nodes are immutable; evaluation state lives in <see cref="EvalContext"/>.</summary>
internal abstract class Node(int start, int end)
{
    public int Start { get; } = start;
    public int End { get; } = end;

    public abstract JsonNode? Eval(EvalContext context);

    public virtual IEnumerable<Node> Children => [];

    private int _height;

    /// <summary>Computed once, bottom-up while parsing, so the parser can bound evaluator recursion.</summary>
    public int Height => _height != 0 ? _height : _height = 1 + Children.Select(c => c.Height).DefaultIfEmpty(0).Max();

    /// <summary>Atoms need no parentheses when written after '!'.</summary>
    public virtual bool IsAtom => true;
}

internal sealed class NumberNode(int start, int end, decimal value) : Node(start, end)
{
    public decimal Value { get; } = value;

    public override JsonNode? Eval(EvalContext context) => JsonValues.Number(Value);
}

internal sealed class StringNode(int start, int end, string value) : Node(start, end)
{
    public string Value { get; } = value;

    public override JsonNode? Eval(EvalContext context) => JsonValue.Create(Value);
}

internal sealed class BoolNode(int start, int end, bool value) : Node(start, end)
{
    public bool Value { get; } = value;

    public override JsonNode? Eval(EvalContext context) => JsonValue.Create(Value);
}

internal sealed class NullNode(int start, int end) : Node(start, end)
{
    public override JsonNode? Eval(EvalContext context) => null;
}

internal sealed class RootNode(int start, int end) : Node(start, end)
{
    public override JsonNode? Eval(EvalContext context) => context.Root;
}

internal sealed class MemberNode(int start, int end, Node target, string name) : Node(start, end)
{
    public override IEnumerable<Node> Children => [target];

    public override JsonNode? Eval(EvalContext context) =>
        target.Eval(context) is JsonObject obj && obj.TryGetPropertyValue(name, out var value) ? value : null;
}

internal sealed class IndexNode(int start, int end, Node target, Node index) : Node(start, end)
{
    public override IEnumerable<Node> Children => [target, index];

    public override JsonNode? Eval(EvalContext context)
    {
        var container = target.Eval(context);
        var key = index.Eval(context);
        if (container is JsonObject obj)
            return JsonValues.IsString(key, out var name) && obj.TryGetPropertyValue(name, out var value) ? value : null;
        if (container is not JsonArray array || !JsonValues.TryGetNumber(key, out var n) || n != decimal.Truncate(n))
            return null;
        // Negative indexes count from the end, like $.items[-1] for the last item.
        var i = n < 0 ? array.Count + n : n;
        return i >= 0 && i < array.Count ? array[(int)i] : null;
    }
}

internal sealed class ArrayNode(int start, int end, IReadOnlyList<Node> items) : Node(start, end)
{
    public override IEnumerable<Node> Children => items;

    public override JsonNode? Eval(EvalContext context)
    {
        var array = new JsonArray();
        foreach (var item in items) array.Add(JsonValues.Detach(item.Eval(context)));
        return array;
    }
}

internal sealed class NotNode(int start, int end, Node operand) : Node(start, end)
{
    public override IEnumerable<Node> Children => [operand];

    public override JsonNode? Eval(EvalContext context) => JsonValue.Create(!JsonValues.IsTruthy(operand.Eval(context)));
}

internal sealed class NegateNode(int start, int end, Node operand) : Node(start, end)
{
    public override IEnumerable<Node> Children => [operand];

    public override JsonNode? Eval(EvalContext context)
    {
        var value = operand.Eval(context);
        return JsonValues.TryGetNumber(value, out var n)
            ? JsonValues.Number(-n)
            : throw new ExpressionException($"Cannot negate a {JsonValues.TypeName(value)} at position {Start}", Start);
    }
}

internal sealed class LogicalNode(int start, int end, Node left, Node right, bool isAnd) : Node(start, end)
{
    public override IEnumerable<Node> Children => [left, right];

    public override bool IsAtom => false;

    public override JsonNode? Eval(EvalContext context)
    {
        var first = JsonValues.IsTruthy(left.Eval(context));
        if (isAnd ? !first : first) return JsonValue.Create(first);
        return JsonValue.Create(JsonValues.IsTruthy(right.Eval(context)));
    }
}

internal sealed class CallNode(int start, int end, FunctionDef function, IReadOnlyList<Node> args) : Node(start, end)
{
    public FunctionDef Function { get; } = function;
    public IReadOnlyList<Node> Args { get; } = args;

    /// <summary>Prepared by the parser when an argument is a literal (e.g. the regex of matches()).</summary>
    public object? Prepared { get; init; }

    public override IEnumerable<Node> Children => Args;

    public override JsonNode? Eval(EvalContext context)
    {
        var values = new JsonNode?[Args.Count];
        for (var i = 0; i < values.Length; i++) values[i] = Args[i].Eval(context);
        return Function.Body(new CallArgs(context, values, this));
    }
}
