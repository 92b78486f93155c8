using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>Small JSON helpers shared by the built-in handlers, so that the structured condition style and
/// variable writes work without the expression engine.</summary>
internal static class StepJson
{
    /// <summary>Follows "a.b[0].c" (an optional leading "$." is ignored). <paramref name="found"/> tells a
    /// missing path from a present null.</summary>
    public static JsonNode? Walk(JsonNode? root, string path, out bool found)
    {
        found = false;
        var current = root;
        foreach (var segment in Segments(path))
        {
            if (segment.Index is int index)
            {
                if (current is not JsonArray array || index < 0 || index >= array.Count)
                    return null;
                current = array[index];
            }
            else
            {
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(segment.Name!, out var next))
                    return null;
                current = next;
            }
        }
        found = true;
        return current;
    }

    internal readonly record struct PathSegment(string? Name, int? Index);

    public static IEnumerable<PathSegment> Segments(string path)
    {
        var text = path.Trim();
        if (text == "$")
            yield break;
        if (text.StartsWith("$.", StringComparison.Ordinal))
            text = text[2..];
        foreach (var part in text.Split('.'))
        {
            var name = part;
            var bracket = name.IndexOf('[', StringComparison.Ordinal);
            var indexes = bracket >= 0 ? name[bracket..] : "";
            if (bracket >= 0)
                name = name[..bracket];
            if (name.Length > 0)
                yield return new PathSegment(name, null);
            while (indexes.StartsWith('['))
            {
                var close = indexes.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || !int.TryParse(indexes[1..close], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                    throw new StepConfigurationException($"Bad index in path '{path}'.");
                yield return new PathSegment(null, i);
                indexes = indexes[(close + 1)..];
            }
        }
    }

    public static string? String(JsonObject obj, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static bool IsString(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String;

    public static bool? Bool(JsonObject obj, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>Integers written as numbers or numeric strings (a rendered template yields a string).</summary>
    public static long? Integer(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) => (long)d,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    /// <summary>True when any string in the tree holds a "{{" placeholder; such values can only be checked
    /// once rendered, so save-time validation skips them.</summary>
    public static bool HasPlaceholders(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => HasPlaceholders(p.Value)),
        JsonArray array => array.Any(HasPlaceholders),
        JsonValue value => value.TryGetValue<string>(out var s) && s.Contains("{{", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>A config field that is a placeholder may hold anything at run time.</summary>
    public static bool IsTemplate(JsonNode? node) => node is JsonValue && HasPlaceholders(node);

    public static JsonObject Object(params (string Key, JsonNode? Value)[] properties)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in properties)
            obj[key] = value;
        return obj;
    }
}
