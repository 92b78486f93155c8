using System.Collections.Concurrent;

namespace Chorus.Engine.Expressions;

/// <summary>Compiled expressions shared by every execution; the texts come from saved definitions, so the
/// set is small, but it is bounded anyway so a stream of distinct texts cannot grow memory.</summary>
internal static class ExpressionCache
{
    internal const int MaxEntries = 10_000;

    private static readonly ConcurrentDictionary<string, Expression> Entries = new(StringComparer.Ordinal);

    /// <exception cref="ExpressionException">The text is not a valid expression; failures are not cached.</exception>
    public static Expression Get(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Entries.TryGetValue(text, out var cached)) return cached;
        var expression = Expression.Parse(text);
        // Clearing when full is crude but keeps the cache correct and bounded; the working set refills quickly.
        if (Entries.Count >= MaxEntries) Entries.Clear();
        return Entries.GetOrAdd(text, expression);
    }

    internal static int Count => Entries.Count;
}
