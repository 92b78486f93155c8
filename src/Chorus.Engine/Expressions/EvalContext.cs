using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>Everything one evaluation may touch: the context root and the clock. Nothing else is reachable,
/// which is what keeps expressions sandboxed.</summary>
internal sealed class EvalContext(JsonNode? root, TimeProvider time)
{
    public const int MaxStringLength = 1024 * 1024;
    public const int MaxArrayLength = 10_000;

    public JsonNode? Root { get; } = root;
    public TimeProvider Time { get; } = time;

    public static string CheckLength(string value, int position) => value.Length <= MaxStringLength
        ? value
        : throw new ExpressionException($"String result longer than {MaxStringLength} characters at position {position}", position);

    public static void CheckCount(int count, int position)
    {
        if (count > MaxArrayLength)
            throw new ExpressionException($"Array result longer than {MaxArrayLength} items at position {position}", position);
    }
}
