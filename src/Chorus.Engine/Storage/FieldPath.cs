using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chorus.Engine.Storage;

/// <summary>A field of a record's JSON named by a dotted path ("address.city"): 1 to 8 segments of letters, digits,
/// '_' and '-', 200 characters at most. Stores pass the segments to the database as a parameter; the pattern keeps
/// them free of quotes and brackets all the same.</summary>
public sealed partial class FieldPath
{
    public const int MaxSegments = 8;
    public const int MaxLength = 200;

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();

    private FieldPath(string text, string[] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    public IReadOnlyList<string> Segments { get; }

    public override string ToString() => Text;

    /// <summary>The path, or null when <paramref name="text"/> is not one (empty, too long or deep, other characters).</summary>
    public static FieldPath? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
            return null;
        var segments = text.Split('.');
        if (segments.Length > MaxSegments || !segments.All(s => Segment().IsMatch(s)))
            return null;
        return new FieldPath(text, segments);
    }

    /// <summary>The value at this path in <paramref name="data"/>; null when a segment is missing or the value is null.</summary>
    public JsonNode? Find(JsonObject data)
    {
        JsonNode? node = data;
        foreach (var segment in Segments)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
                return null;
        }
        return node;
    }
}
