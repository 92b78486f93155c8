using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Runtime;

/// <summary>The values of a workflow's search attributes in one execution's context, as the stores index them: text.</summary>
internal static class SearchAttributeValues
{
    /// <summary>Longer strings are cut to this many characters; a filter matches the cut value.</summary>
    internal const int MaxValueLength = 200;

    /// <summary>Null when the workflow declares none. A string is kept (its first <see cref="MaxValueLength"/>
    /// characters), a number as written, a boolean as true or false; an expression that fails or gives anything else
    /// (null, an object, an array) gives no value, so the execution is not found by that attribute.</summary>
    public static Dictionary<string, string>? Of(WorkflowDefinition definition, JsonObject context, TimeProvider time)
    {
        if (definition.SearchAttributes.Count == 0)
            return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in definition.SearchAttributes)
        {
            try
            {
                if (Text(ExpressionCache.Get(text).Evaluate(context, time)) is { } value)
                    values[name] = value;
            }
            catch (ExpressionException)
            {
                // A path that is not there yet (a step that has not run) is the usual cause: no value for now.
            }
        }
        return values;
    }

    private static string? Text(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>() is var s && s.Length > MaxValueLength ? s[..MaxValueLength] : value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static bool Same(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string> b) =>
        a is not null && a.Count == b.Count && b.All(p => a.TryGetValue(p.Key, out var v) && v == p.Value);
}
