using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>JsonSchema.Net resolves <c>$ref</c> lazily, on the first evaluation that reaches it, so a missing or
/// remote reference would only show when some input arrives. This finds them at save: a reference must point
/// inside the schema (a JSON pointer that exists, an anchor, or an <c>$id</c> the schema declares).</summary>
internal static class SchemaReferences
{
    // Values of these keywords are data, not schemas: a "$ref" inside them is not a reference.
    private static readonly HashSet<string> DataKeywords = ["const", "enum", "default", "examples"];

    /// <summary>The first reference that cannot be resolved inside <paramref name="schema"/>, or null.</summary>
    public static string? FindUnresolved(JsonObject schema, Uri baseUri)
    {
        var root = schema["$id"] is JsonValue id && id.TryGetValue<string>(out var text) && Uri.TryCreate(baseUri, text, out var declared)
            ? declared : baseUri;
        var nodes = Schemas(schema).ToList();
        var ids = nodes.Select(n => n["$id"]).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var s) && Uri.TryCreate(root, s, out var u) ? WithoutFragment(u) : null)
            .Append(WithoutFragment(root)).ToHashSet(StringComparer.Ordinal);
        var anchors = nodes.SelectMany(n => new[] { n["$anchor"], n["$dynamicAnchor"] }).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var s) ? s : null).ToHashSet(StringComparer.Ordinal);

        foreach (var node in nodes)
            foreach (var keyword in (string[])["$ref", "$dynamicRef"])
                if (node[keyword] is JsonValue value && value.TryGetValue<string>(out var reference)
                    && !Resolves(schema, root, reference, ids, anchors))
                    return reference;
        return null;
    }

    private static bool Resolves(JsonObject schema, Uri root, string reference, HashSet<string?> ids, HashSet<string?> anchors)
    {
        if (!Uri.TryCreate(root, reference, out var target) || !ids.Contains(WithoutFragment(target)))
            return false;
        var fragment = Uri.UnescapeDataString(target.Fragment.TrimStart('#'));
        if (fragment.Length == 0) return true;
        if (fragment[0] != '/') return anchors.Contains(fragment);
        // Pointers are read from the root document; one into an embedded resource is left to evaluation.
        return reference[0] != '#' || Pointer(schema, fragment) is not null;
    }

    private static JsonNode? Pointer(JsonNode? node, string pointer)
    {
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => child ?? JsonValue.Create(false),
                JsonArray array when int.TryParse(segment, out var i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    private static string WithoutFragment(Uri uri) => uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Query) : uri.OriginalString;

    private static IEnumerable<JsonObject> Schemas(JsonNode root)
    {
        var pending = new Stack<JsonNode?>([root]);
        while (pending.TryPop(out var node))
        {
            if (node is JsonArray array)
                foreach (var item in array) pending.Push(item);
            if (node is not JsonObject obj) continue;
            yield return obj;
            foreach (var (key, child) in obj)
                if (!DataKeywords.Contains(key)) pending.Push(child);
        }
    }
}
