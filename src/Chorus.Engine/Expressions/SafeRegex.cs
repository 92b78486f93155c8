using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Chorus.Engine.Expressions;

/// <summary>Regexes come from workflow authors, so every match is time-boxed, and the non-backtracking engine
/// (linear time) is used whenever the pattern allows it (no backreferences or lookarounds).</summary>
internal static class SafeRegex
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);
    private const int MaxCached = 1000;

    // Patterns from saved definitions repeat; compiling once per pattern keeps matches() and "pattern" cheap.
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public static Regex Get(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var cached)) return cached;
        var regex = Create(pattern);
        if (Cache.Count >= MaxCached) Cache.Clear();
        Cache.TryAdd(pattern, regex);
        return regex;
    }

    private static Regex Create(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Timeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }
    }

    /// <summary>Null means the pattern is invalid; the message explains why.</summary>
    public static string? Validate(string pattern)
    {
        try
        {
            Get(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
