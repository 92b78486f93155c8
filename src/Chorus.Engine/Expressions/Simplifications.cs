namespace Chorus.Engine.Expressions;

/// <summary>Editor hints. Comparing with a boolean literal is the most common beginner pattern in conditions,
/// and the shorter form also accepts truthy values, which is usually what the author meant.</summary>
internal static class Simplifications
{
    public const string Code = "expression_simplification";

    public static IReadOnlyList<ExpressionWarning> Find(string text, Node root)
    {
        List<ExpressionWarning>? warnings = null;
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.TryPop(out var node))
        {
            if (Suggest(text, node) is { } suggestion)
                (warnings ??= []).Add(new ExpressionWarning(Code, $"The expression can be simplified to '{suggestion}'"));
            foreach (var child in node.Children) pending.Push(child);
        }

        return warnings ?? (IReadOnlyList<ExpressionWarning>)[];
    }

    private static string? Suggest(string text, Node node)
    {
        if (node is not BinaryNode { Op: BinaryOp.Equal or BinaryOp.NotEqual } binary) return null;
        var (literal, other) = binary.Left is BoolNode l ? (l, binary.Right)
            : binary.Right is BoolNode r ? (r, binary.Left)
            : ((BoolNode?)null, binary.Left);
        if (literal is null || other is BoolNode) return null;

        // X == true and X != false keep X; X == false and X != true negate it.
        var keep = literal.Value == (binary.Op == BinaryOp.Equal);
        var source = text[other.Start..other.End].Trim();
        if (keep) return source;
        return other.IsAtom ? "!" + source : $"!({source})";
    }
}
