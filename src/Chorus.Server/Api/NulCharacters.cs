using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Api;

/// <summary>PostgreSQL's jsonb refuses the NUL character (<c>\u0000</c>) that SQLite stores: every JSON body is
/// refused with it, so a request means the same on either store and nothing half-written fails later.</summary>
internal static class NulCharacters
{
    public static void Refuse(JsonNode? root)
    {
        if (FirstPath(root) is { } path)
            throw new ChorusException(ErrorCodes.InvalidInput, $"The request body contains a NUL character (\\u0000) at '{path}', which cannot be stored.",
                new JsonObject { ["field"] = path });
    }

    private static string? FirstPath(JsonNode? root)
    {
        if (root is null)
            return null;
        // Iterative: the body's depth is the client's choice.
        var pending = new Stack<(JsonNode Node, string Path)>();
        pending.Push((root, "$"));
        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        var childPath = $"{path}.{key.Replace("\0", "\\u0000", StringComparison.Ordinal)}";
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
}
