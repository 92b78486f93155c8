using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine;

/// <summary>PostgreSQL's jsonb refuses the NUL character (<c>\u0000</c>) that SQLite stores: definitions and
/// request bodies holding one are refused, so a document means the same on either store and nothing
/// half-written fails later.</summary>
public static class NulCharacters
{
    /// <summary>The path of the first string or property name holding a NUL (as <c>a.b[2].c</c> below
    /// <paramref name="rootPath"/>, the NUL written <c>\u0000</c>), or null when there is none.</summary>
    public static string? FirstPath(JsonNode? root, string rootPath = "")
    {
        if (root is null)
            return null;
        // Iterative: a hostile document's depth must not decide how deep this recurses.
        var pending = new Stack<(JsonNode Node, string Path)>();
        pending.Push((root, rootPath));
        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        var childPath = path.Length == 0 ? Printable(key) : $"{path}.{Printable(key)}";
                        if (key.Contains('\0'))
                            return childPath;
                        if (child is not null)
                            pending.Push((child, childPath));
                    }
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                        if (array[i] is { } item)
                            pending.Push((item, $"{path}[{i}]"));
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Contains('\0'):
                    return path;
            }
        }
        return null;
    }

    /// <summary><paramref name="text"/> with each NUL written as <c>\u0000</c>, fit for a message.</summary>
    public static string Printable(string text) => text.Replace("\0", "\\u0000", StringComparison.Ordinal);
}
