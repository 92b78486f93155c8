using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>A parsed, compiled expression such as <c>$.enrich_data.success == true</c>. Parse once, evaluate many
/// times from any thread. Evaluation is sandboxed: no I/O, bounded time, memory and recursion.</summary>
internal sealed class Expression
{
    private readonly Node _root;

    private Expression(string text, Node root, IReadOnlyList<ExpressionWarning> warnings)
    {
        Text = text;
        _root = root;
        Warnings = warnings;
    }

    public string Text { get; }

    /// <summary>Hints for the editor, e.g. that <c>x == true</c> can be written <c>x</c>.</summary>
    public IReadOnlyList<ExpressionWarning> Warnings { get; }

    /// <exception cref="ExpressionException">The text is not a valid expression; the position says where.</exception>
    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text, 0, text.Length);
    }

    /// <summary>Parses a slice of a larger text (a template placeholder); positions in errors and in runtime
    /// messages are offsets into the whole text.</summary>
    internal static Expression Parse(string source, int start, int end)
    {
        var root = Parser.Parse(source, start, end);
        return new Expression(source[start..end], root, Simplifications.Find(source, root));
    }

    /// <summary>Evaluates against the execution context (<c>$</c>).</summary>
    /// <exception cref="ExpressionException">A runtime error such as a call to an unknown function.</exception>
    public JsonNode? Evaluate(JsonNode? root) => Evaluate(root, TimeProvider.System);

    /// <summary>As <see cref="Evaluate(JsonNode?)"/> with the clock used by <c>now()</c>.</summary>
    internal JsonNode? Evaluate(JsonNode? root, TimeProvider time)
    {
        // The caller may attach or change the result, so it must never be (part of) the context itself.
        return JsonValues.Publish(_root.Eval(new EvalContext(root, time)), root);
    }

    public bool EvaluateCondition(JsonNode? root) => Truthiness.IsTruthy(Evaluate(root));

    internal bool EvaluateCondition(JsonNode? root, TimeProvider time) => Truthiness.IsTruthy(Evaluate(root, time));

    public override string ToString() => Text;
}

internal sealed record ExpressionWarning(string Code, string Message);

internal sealed class ExpressionException(string message, int position) : Exception(message)
{
    /// <summary>Zero-based character offset in the expression text.</summary>
    public int Position { get; } = position;
}

internal static class Truthiness
{
    /// <summary>null, false, 0, "" and empty arrays are false; everything else is true.</summary>
    public static bool IsTruthy(JsonNode? value) => JsonValues.IsTruthy(value);
}
