using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Files;

/// <summary>Reads the fields of a file step's config. At save a field may still be a "{{ }}" placeholder, which only
/// the run can check; at run time every value is filled in.</summary>
internal static class ConfigFields
{
    /// <summary>A separator of CSV fields: one ASCII character that cannot be part of a value's text or quoting.</summary>
    public static char? Delimiter(string? text) =>
        text is { Length: 1 } && text[0] is > ' ' and < (char)127 or '\t' && !char.IsAsciiLetterOrDigit(text[0]) && text[0] != '"' ? text[0] : null;

    public static bool IsTemplate(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Contains("{{", StringComparison.Ordinal);

    public static string? Text(JsonObject config, string field) =>
        config[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static IEnumerable<StepConfigIssue> Unknown(JsonObject config, string type, IReadOnlyCollection<string> fields)
    {
        foreach (var (name, _) in config)
            if (!fields.Contains(name))
                yield return new($"config.{name}", $"Unknown field; a {type} step takes {string.Join(", ", fields)}.");
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or a string of one (what a
    /// placeholder renders); null when absent.</summary>
    public static int? Integer(JsonObject config, string field, int min, int max)
    {
        var node = config[field];
        if (node is null)
            return null;
        long? value = node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n
            : node is JsonValue s && s.GetValueKind() == JsonValueKind.String && long.TryParse(s.GetValue<string>(), out var parsed) ? parsed
            : null;
        return value is { } x && x >= min && x <= max ? (int)x
            : throw new StepConfigurationException($"config.{field} must be a whole number from {min} to {max}.");
    }

    public static bool Bool(JsonObject config, string field, bool fallback) => config[field] switch
    {
        null => fallback,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b) => b,
        _ => throw new StepConfigurationException($"config.{field} must be true or false."),
    };

    /// <summary>At save: a literal that is not a whole number in range (placeholders pass).</summary>
    public static StepConfigIssue? CheckInteger(JsonObject config, string field, int min, int max)
    {
        var node = config[field];
        if (node is null || IsTemplate(node))
            return null;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) && n >= min && n <= max ? null
            : new StepConfigIssue($"config.{field}", $"Must be a whole number from {min} to {max}.");
    }

    public static StepConfigIssue? CheckBool(JsonObject config, string field)
    {
        var node = config[field];
        return node is null || IsTemplate(node) || node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null
            : new StepConfigIssue($"config.{field}", "Must be true or false.");
    }
}
