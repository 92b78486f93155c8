namespace Chorus.Engine.Expressions;

/// <summary>Compiled expressions shared by every execution; the texts come from saved definitions, so the
/// set is small, but it is bounded anyway so a stream of distinct texts cannot grow memory.</summary>
public static class ExpressionCache
{
    public static Expression Get(string text) => throw new NotImplementedException(text);
}
