using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>The operators of the structured condition style (seed 002). The list is shared so the definition
/// validator accepts exactly the names this evaluator knows.</summary>
internal static class ConditionOperators
{
    public static readonly IReadOnlyList<string> All =
    [
        "equals", "not_equals", "contains", "not_contains",
        "greater_than", "greater_than_or_equal", "less_than", "less_than_or_equal",
        "exists", "not_exists", "in", "not_in",
    ];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="actual"/> (the field's value; <paramref name="found"/> false when the
    /// path does not exist) stands in relation <paramref name="op"/> to <paramref name="expected"/>.</summary>
    public static bool Evaluate(string op, JsonNode? actual, bool found, JsonNode? expected) => op switch
    {
        "equals" => ValuesEqual(actual, expected),
        "not_equals" => !ValuesEqual(actual, expected),
        "contains" => Contains(actual, expected),
        "not_contains" => !Contains(actual, expected),
        "greater_than" => Compare(actual, expected) is > 0,
        "greater_than_or_equal" => Compare(actual, expected) is >= 0,
        "less_than" => Compare(actual, expected) is < 0,
        "less_than_or_equal" => Compare(actual, expected) is <= 0,
        "exists" => found && actual is not null,
        "not_exists" => !found || actual is null,
        "in" => Contains(expected, actual),
        "not_in" => !Contains(expected, actual),
        _ => throw new StepConfigurationException($"Unknown operator '{op}'; known: {string.Join(", ", All)}."),
    };

    public static bool ValuesEqual(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        if (IsNumber(a) || IsNumber(b))
            return TryNumber(a, out var x) && TryNumber(b, out var y) ? x == y : false;
        if (Text(a) is string sa && Text(b) is string sb)
            return string.Equals(sa, sb, StringComparison.Ordinal);
        return JsonNode.DeepEquals(a, b);
    }

    private static bool Contains(JsonNode? container, JsonNode? item) => container switch
    {
        JsonArray array => array.Any(element => ValuesEqual(element, item)),
        JsonObject obj => item is not null && Text(item) is string key && obj.ContainsKey(key),
        JsonValue when Text(container) is string text => item is not null && text.Contains(Text(item) ?? item.ToJsonString(), StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Numbers compare numerically (also a numeric string against a number); two strings compare
    /// ordinally, which orders ISO 8601 timestamps correctly. Anything else is not ordered (null).</summary>
    private static int? Compare(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
            return null;
        if ((IsNumber(a) || IsNumber(b)) && TryNumber(a, out var x) && TryNumber(b, out var y))
            return x.CompareTo(y);
        if (Text(a) is string sa && Text(b) is string sb)
        {
            if (TryNumber(a, out var na) && TryNumber(b, out var nb))
                return na.CompareTo(nb);
            return string.CompareOrdinal(sa, sb);
        }
        return null;
    }

    private static bool IsNumber(JsonNode node) => node.GetValueKind() == JsonValueKind.Number;

    private static string? Text(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool TryNumber(JsonNode node, out decimal number)
    {
        number = 0;
        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>(),
            _ => null,
        };
        return text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }
}
