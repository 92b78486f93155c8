using System.Text.Json.Nodes;

namespace Chorus.Engine.History;

/// <summary>The differences between two JSON values as paths (<c>$.fetch.body.items[2]</c>): what was added, what was
/// removed, and what changed from one value to another. Objects and arrays are compared member by member, so a
/// change deep inside a large output is one path, not the whole output.</summary>
public static class JsonDiff
{
    public static JsonObject Of(JsonNode? from, JsonNode? to)
    {
        var added = new JsonArray();
        var removed = new JsonArray();
        var changed = new JsonArray();
        Walk("$", from, to, added, removed, changed);
        return new JsonObject { ["added"] = added, ["removed"] = removed, ["changed"] = changed };
    }

    private static void Walk(string path, JsonNode? from, JsonNode? to, JsonArray added, JsonArray removed, JsonArray changed)
    {
        switch (from, to)
        {
            case (JsonObject a, JsonObject b):
                foreach (var (name, value) in a)
                {
                    var member = Member(path, name);
                    if (b.TryGetPropertyValue(name, out var other))
                        Walk(member, value, other, added, removed, changed);
                    else
                        removed.Add(new JsonObject { ["path"] = member, ["value"] = value?.DeepClone() });
                }
                foreach (var (name, value) in b)
                    if (!a.ContainsKey(name))
                        added.Add(new JsonObject { ["path"] = Member(path, name), ["value"] = value?.DeepClone() });
                break;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
                {
                    var item = $"{path}[{i}]";
                    if (i >= b.Count)
                        removed.Add(new JsonObject { ["path"] = item, ["value"] = a[i]?.DeepClone() });
                    else if (i >= a.Count)
                        added.Add(new JsonObject { ["path"] = item, ["value"] = b[i]?.DeepClone() });
                    else
                        Walk(item, a[i], b[i], added, removed, changed);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(from, to))
                    changed.Add(new JsonObject { ["path"] = path, ["from"] = from?.DeepClone(), ["to"] = to?.DeepClone() });
                break;
        }
    }

    /// <summary>A plain name as <c>.name</c>; any other (a step id with a dash, a space, a dot) as <c>["name"]</c>.</summary>
    private static string Member(string path, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(name[0])
            ? $"{path}.{name}"
            : $"{path}[{JsonValue.Create(name).ToJsonString()}]";
}
