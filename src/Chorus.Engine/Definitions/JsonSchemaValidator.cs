using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Expressions;

namespace Chorus.Engine.Definitions;

/// <summary>The JSON Schema subset Chorus enforces on execution input: type, required, properties, items,
/// enum, minimum/maximum, minLength/maxLength, pattern, additionalProperties (false).</summary>
internal static class JsonSchemaValidator
{
    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="instance"/>; empty when valid.</summary>
    public static IReadOnlyList<SchemaError> Validate(JsonObject schema, JsonNode? instance)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new List<SchemaError>();
        Check(schema, instance, JsonPaths.Root, errors);
        return errors;
    }

    /// <summary>Problems in the schema itself (unknown type name, bad pattern, wrong keyword types).</summary>
    public static IReadOnlyList<SchemaError> CheckSchema(JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return JsonSchemaChecker.Check(schema);
    }

    // Subschemas may be booleans: true accepts anything, false nothing. Keywords of the wrong shape are skipped
    // here; CheckSchema is where they are reported, so validation never throws on a bad schema.
    private static void Check(JsonNode? schema, JsonNode? instance, string path, List<SchemaError> errors)
    {
        if (schema is JsonValue v && v.GetValueKind() == JsonValueKind.False)
        {
            errors.Add(new SchemaError(path, "is not allowed"));
            return;
        }

        if (schema is not JsonObject s) return;
        CheckType(s, instance, path, errors);
        if (s["enum"] is JsonArray options && !options.Any(o => JsonValues.DeepEquals(o, instance)))
            errors.Add(new SchemaError(path, $"must be one of {JsonValues.Describe(options)}"));
        if (s.TryGetPropertyValue("const", out var constant) && !JsonValues.DeepEquals(constant, instance))
            errors.Add(new SchemaError(path, $"must be equal to {JsonValues.Describe(constant)}"));

        if (JsonValues.TryGetNumber(instance, out var number)) CheckNumber(s, number, path, errors);
        else if (JsonValues.IsString(instance, out var text)) CheckString(s, text, path, errors);
        else if (instance is JsonArray array) CheckArray(s, array, path, errors);
        else if (instance is JsonObject obj) CheckObject(s, obj, path, errors);
    }

    private static void CheckType(JsonObject schema, JsonNode? instance, string path, List<SchemaError> errors)
    {
        var types = schema["type"] switch
        {
            JsonArray array => array.Select(t => JsonValues.IsString(t, out var name) ? name : "").ToList(),
            var single when JsonValues.IsString(single, out var name) => [name],
            _ => null,
        };
        if (types is null || types.Any(t => HasType(instance, t))) return;
        var expected = types.Count == 1 ? types[0] : string.Join(" or ", types);
        errors.Add(new SchemaError(path, $"must be of type {expected}"));
    }

    private static bool HasType(JsonNode? instance, string type) => type switch
    {
        "integer" => JsonValues.TryGetNumber(instance, out var n) ? n == decimal.Truncate(n) : IsWholeBeyondDecimal(instance),
        "number" => JsonValues.IsNumber(instance),
        _ => JsonValues.TypeName(instance) == type,
    };

    // Numbers past decimal's range (1e30) are whole in practice; double tells us for sure.
    private static bool IsWholeBeyondDecimal(JsonNode? instance) =>
        instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && double.TryParse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var d) && Math.Floor(d) == d;

    private static void CheckNumber(JsonObject s, decimal n, string path, List<SchemaError> errors)
    {
        // Draft 4 wrote exclusive bounds as booleans beside minimum/maximum; later drafts as numbers.
        var exclusiveMinFlag = s["exclusiveMinimum"]?.GetValueKind() == JsonValueKind.True;
        var exclusiveMaxFlag = s["exclusiveMaximum"]?.GetValueKind() == JsonValueKind.True;
        if (Number(s, "minimum") is { } min && (exclusiveMinFlag ? n <= min : n < min))
            errors.Add(new SchemaError(path, $"must be {(exclusiveMinFlag ? "greater than" : "at least")} {Format(min)}"));
        if (Number(s, "maximum") is { } max && (exclusiveMaxFlag ? n >= max : n > max))
            errors.Add(new SchemaError(path, $"must be {(exclusiveMaxFlag ? "less than" : "at most")} {Format(max)}"));
        if (Number(s, "exclusiveMinimum") is { } exclusiveMin && n <= exclusiveMin)
            errors.Add(new SchemaError(path, $"must be greater than {Format(exclusiveMin)}"));
        if (Number(s, "exclusiveMaximum") is { } exclusiveMax && n >= exclusiveMax)
            errors.Add(new SchemaError(path, $"must be less than {Format(exclusiveMax)}"));
    }

    private static void CheckString(JsonObject s, string text, string path, List<SchemaError> errors)
    {
        var length = Functions.CodePoints(text);
        if (Number(s, "minLength") is { } min && length < min)
            errors.Add(new SchemaError(path, $"must be at least {Format(min)} characters long"));
        if (Number(s, "maxLength") is { } max && length > max)
            errors.Add(new SchemaError(path, $"must be at most {Format(max)} characters long"));
        if (!JsonValues.IsString(s["pattern"], out var pattern)) return;
        try
        {
            if (!SafeRegex.Get(pattern).IsMatch(text))
                errors.Add(new SchemaError(path, $"must match the pattern '{pattern}'"));
        }
        catch (RegexMatchTimeoutException)
        {
            errors.Add(new SchemaError(path, $"could not be checked against the pattern '{pattern}' in time"));
        }
        catch (ArgumentException)
        {
            errors.Add(new SchemaError(path, $"cannot be checked: the schema pattern '{pattern}' is invalid"));
        }
    }

    private static void CheckArray(JsonObject s, JsonArray array, string path, List<SchemaError> errors)
    {
        if (Number(s, "minItems") is { } min && array.Count < min)
            errors.Add(new SchemaError(path, $"must have at least {Format(min)} items"));
        if (Number(s, "maxItems") is { } max && array.Count > max)
            errors.Add(new SchemaError(path, $"must have at most {Format(max)} items"));
        if (s["items"] is { } items)
            for (var i = 0; i < array.Count; i++) Check(items, array[i], JsonPaths.Index(path, i), errors);
    }

    private static void CheckObject(JsonObject s, JsonObject obj, string path, List<SchemaError> errors)
    {
        if (s["required"] is JsonArray required)
            foreach (var name in required)
                if (JsonValues.IsString(name, out var key) && !obj.ContainsKey(key))
                    errors.Add(new SchemaError(JsonPaths.Member(path, key), "is required"));

        var properties = s["properties"] as JsonObject;
        s.TryGetPropertyValue("additionalProperties", out var additional);
        foreach (var (key, value) in obj)
        {
            var childPath = JsonPaths.Member(path, key);
            if (properties is not null && properties.TryGetPropertyValue(key, out var propertySchema))
                Check(propertySchema, value, childPath, errors);
            else if (additional is not null)
                Check(additional, value, childPath, errors);
        }
    }

    private static decimal? Number(JsonObject s, string keyword) =>
        JsonValues.TryGetNumber(s[keyword], out var n) ? n : null;

    private static string Format(decimal n) => JsonValues.Number(n).ToJsonString();
}

/// <summary>A violation at a JSON path such as <c>$.user.email</c>.</summary>
internal sealed record SchemaError(string Path, string Message);
