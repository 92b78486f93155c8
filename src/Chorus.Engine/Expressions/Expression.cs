using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>A parsed, compiled expression such as <c>$.enrich_data.success == true</c>. Parse once, evaluate many
/// times from any thread. Evaluation is sandboxed: no I/O, bounded time, memory and recursion.</summary>
public sealed class Expression
{
    private Expression(string text) => Text = text;

    public string Text { get; }

    /// <summary>Hints for the editor, e.g. that <c>x == true</c> can be written <c>x</c>.</summary>
    public IReadOnlyList<ExpressionWarning> Warnings { get; } = [];

    /// <exception cref="ExpressionException">The text is not a valid expression; the position says where.</exception>
    public static Expression Parse(string text) => throw new NotImplementedException(text);

    /// <summary>Evaluates against the execution context (<c>$</c>).</summary>
    /// <exception cref="ExpressionException">A runtime error such as a call to an unknown function.</exception>
    public JsonNode? Evaluate(JsonNode? root) => throw new NotImplementedException(Text + root);

    public bool EvaluateCondition(JsonNode? root) => Truthiness.IsTruthy(Evaluate(root));
}

public sealed record ExpressionWarning(string Code, string Message);

public sealed class ExpressionException(string message, int position) : Exception(message)
{
    /// <summary>Zero-based character offset in the expression text.</summary>
    public int Position { get; } = position;
}

public static class Truthiness
{
    /// <summary>null, false, 0, "" and empty arrays are false; everything else is true.</summary>
    public static bool IsTruthy(JsonNode? value) => throw new NotImplementedException(value?.ToJsonString());
}
