using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Definitions;

/// <summary>Finds mistakes in a schema when a definition is saved, so that validating input later never meets
/// a keyword it cannot interpret. Paths point into the schema document.</summary>
internal static class JsonSchemaChecker
{
    private static readonly HashSet<string> TypeNames = ["object", "array", "string", "number", "integer", "boolean", "null"];
    private static readonly string[] Counts = ["minLength", "maxLength", "minItems", "maxItems"];
    private static readonly string[] Bounds = ["minimum", "maximum"];
    private static readonly string[] ExclusiveBounds = ["exclusiveMinimum", "exclusiveMaximum"];

    public static IReadOnlyList<SchemaError> Check(JsonObject schema)
    {
        var errors = new List<SchemaError>();
        CheckSchema(schema, JsonPaths.Root, errors);
        return errors;
    }

    private static void CheckSchema(JsonNode? schema, string path, List<SchemaError> errors)
    {
        if (schema?.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return;
        if (schema is not JsonObject s)
        {
            errors.Add(new SchemaError(path, "must be a schema object or a boolean"));
            return;
        }

        void Add(string keyword, string message) => errors.Add(new SchemaError(JsonPaths.Member(path, keyword), message));

        if (s.TryGetPropertyValue("type", out var type)) CheckType(type, JsonPaths.Member(path, "type"), errors);

        if (s.TryGetPropertyValue("required", out var required)
            && (required is not JsonArray names || names.Any(n => !JsonValues.IsString(n, out _))))
            Add("required", "must be an array of property names");

        if (s.TryGetPropertyValue("properties", out var properties))
        {
            if (properties is JsonObject props)
                foreach (var (name, sub) in props) CheckSchema(sub, JsonPaths.Member(JsonPaths.Member(path, "properties"), name), errors);
            else
                Add("properties", "must be an object of schemas");
        }

        if (s.TryGetPropertyValue("additionalProperties", out var additional))
            CheckSchema(additional, JsonPaths.Member(path, "additionalProperties"), errors);
        if (s.TryGetPropertyValue("items", out var items))
            CheckSchema(items, JsonPaths.Member(path, "items"), errors);

        if (s.TryGetPropertyValue("enum", out var options) && options is not JsonArray)
            Add("enum", "must be an array");

        foreach (var keyword in Counts)
            if (s.TryGetPropertyValue(keyword, out var count)
                && (!JsonValues.TryGetNumber(count, out var n) || n < 0 || n != decimal.Truncate(n)))
                Add(keyword, "must be a non-negative integer");

        foreach (var keyword in Bounds)
            if (s.TryGetPropertyValue(keyword, out var bound) && !JsonValues.IsNumber(bound))
                Add(keyword, "must be a number");

        foreach (var keyword in ExclusiveBounds)
            if (s.TryGetPropertyValue(keyword, out var bound)
                && !JsonValues.IsNumber(bound) && bound?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                Add(keyword, "must be a number");

        if (s.TryGetPropertyValue("pattern", out var pattern))
        {
            if (!JsonValues.IsString(pattern, out var text)) Add("pattern", "must be a string");
            else if (SafeRegex.Validate(text) is { } problem) Add("pattern", $"is not a valid regular expression: {problem}");
        }

        CheckOrder(s, "minLength", "maxLength", path, errors);
        CheckOrder(s, "minItems", "maxItems", path, errors);
        CheckOrder(s, "minimum", "maximum", path, errors);
    }

    private static void CheckType(JsonNode? type, string path, List<SchemaError> errors)
    {
        var names = type is JsonArray array ? array.ToList() : [type];
        if (type is JsonArray { Count: 0 })
            errors.Add(new SchemaError(path, "must name at least one type"));
        foreach (var name in names)
        {
            if (!JsonValues.IsString(name, out var text))
                errors.Add(new SchemaError(path, "must be a type name or an array of type names"));
            else if (!TypeNames.Contains(text))
                errors.Add(new SchemaError(path, $"has unknown type '{text}' (expected one of {string.Join(", ", TypeNames)})"));
        }
    }

    private static void CheckOrder(JsonObject s, string low, string high, string path, List<SchemaError> errors)
    {
        if (JsonValues.TryGetNumber(s[low], out var min) && JsonValues.TryGetNumber(s[high], out var max) && min > max)
            errors.Add(new SchemaError(JsonPaths.Member(path, low), $"is greater than {high}, so nothing can match"));
    }
}
