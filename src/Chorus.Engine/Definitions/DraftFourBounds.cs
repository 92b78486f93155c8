using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>Draft 4 wrote exclusive bounds as booleans beside minimum/maximum; Chorus has always accepted them.
/// Later drafts (and JsonSchema.Net) take numbers, so a copy of the schema is rewritten before it is built.</summary>
internal static class DraftFourBounds
{
    // Values of these keywords are data, not schemas: they are left as written.
    private static readonly HashSet<string> DataKeywords = ["const", "enum", "default", "examples"];

    public static JsonNode Rewrite(JsonObject schema)
    {
        var copy = schema.DeepClone();
        var pending = new Stack<JsonNode?>([copy]);
        while (pending.TryPop(out var node))
        {
            if (node is JsonArray array)
            {
                foreach (var item in array) pending.Push(item);
                continue;
            }
            if (node is not JsonObject obj) continue;
            Fold(obj, "exclusiveMinimum", "minimum");
            Fold(obj, "exclusiveMaximum", "maximum");
            foreach (var (key, child) in obj)
                if (!DataKeywords.Contains(key)) pending.Push(child);
        }
        return copy;
    }

    private static void Fold(JsonObject s, string exclusive, string inclusive)
    {
        var kind = s[exclusive]?.GetValueKind();
        if (kind is not (JsonValueKind.True or JsonValueKind.False)) return;
        s.Remove(exclusive);
        if (kind == JsonValueKind.True && s[inclusive] is { } bound)
        {
            s.Remove(inclusive);
            s[exclusive] = bound;
        }
    }
}
