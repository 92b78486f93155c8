using System.Text.RegularExpressions;

namespace Chorus.Server.Collections;

/// <summary>What a collection may be called: 1 to 64 letters, digits, '_' and '-', starting with a letter or digit, so
/// that a name is safe in a URL path and in a log line as it is.</summary>
internal static partial class CollectionNames
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public const string Rule = "1 to 64 letters, digits, '_' and '-', starting with a letter or digit";

    /// <summary>A name for a message, cut short when it is long (an invalid name may be anything).</summary>
    public static string Shown(string name) => name.Length > MaxLength ? name[..MaxLength] + "..." : name;
}
