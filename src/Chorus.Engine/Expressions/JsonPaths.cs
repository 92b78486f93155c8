namespace Chorus.Engine.Expressions;

/// <summary>Paths in the same syntax expressions accept, so an error path can be pasted into an expression.</summary>
internal static class JsonPaths
{
    public const string Root = "$";

    public static string Member(string path, string name) => IsIdentifier(name)
        ? $"{path}.{name}"
        : $"{path}['{name.Replace("\\", "\\\\").Replace("'", "\\'")}']";

    public static string Index(string path, int index) => $"{path}[{index}]";

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
