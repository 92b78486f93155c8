using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Expressions;
using Json.Schema;

namespace Chorus.Engine.Definitions;

/// <summary>Turns JsonSchema.Net's result tree into <see cref="SchemaError"/>s worded as Chorus always worded them
/// ("must be of type integer", "is required" at the missing member); keywords Chorus never checked before keep
/// the library's message.</summary>
internal static class JsonSchemaMessages
{
    public static IReadOnlyList<SchemaError> From(EvaluationResults results, JsonObject schema, JsonNode? instance)
    {
        var errors = new List<SchemaError>();
        if (!results.IsValid) Collect(results, schema, instance, errors);
        return errors;
    }

    private static void Collect(EvaluationResults node, JsonObject schema, JsonNode? root, List<SchemaError> errors)
    {
        var (path, value) = Locate(root, node.InstanceLocation.ToString());
        var subschema = SchemaAt(schema, node.SchemaLocation);
        var before = errors.Count;
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
            Describe(keyword, message, subschema, path, value, errors);
        foreach (var child in node.Details ?? [])
        {
            // A failed `if` only selects `else`; it is not a violation. Valid branches hold nothing to report.
            if (child.IsValid || child.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal)) continue;
            Collect(child, schema, root, errors);
        }
        // `not` and a `oneOf` matched more than once fail with no message of their own: say which rule failed.
        if (errors.Count == before)
            errors.Add(new SchemaError(path, Unmatched(subschema)));
    }

    private static string Unmatched(JsonObject? s) => s switch
    {
        not null when s.ContainsKey("not") => "must not match the schema in 'not'",
        not null when s.ContainsKey("oneOf") => "must match exactly one schema in 'oneOf'",
        not null when s.ContainsKey("anyOf") => "must match at least one schema in 'anyOf'",
        _ => "does not match the schema",
    };

    private static void Describe(string keyword, string message, JsonObject? s, string path, JsonNode? value, List<SchemaError> errors)
    {
        void Add(string text) => errors.Add(new SchemaError(path, text));
        switch (keyword)
        {
            case "":
                Add("is not allowed");
                return;
            case "required" when (s?["required"]) is JsonArray names && value is JsonObject obj:
                foreach (var name in names)
                    if (JsonValues.IsString(name, out var key) && !obj.ContainsKey(key))
                        errors.Add(new SchemaError(JsonPaths.Member(path, key), "is required"));
                return;
        }
        Add(s?[keyword] is { } argument ? Worded(keyword, argument) ?? Lower(message) : Lower(message));
    }

    private static string? Worded(string keyword, JsonNode argument) => keyword switch
    {
        "type" => "must be of type " + (argument is JsonArray types ? string.Join(" or ", types.Select(t => t?.ToString())) : argument.ToString()),
        "enum" => $"must be one of {JsonValues.Describe(argument)}",
        "const" => $"must be equal to {JsonValues.Describe(argument)}",
        "minimum" => $"must be at least {argument.ToJsonString()}",
        "maximum" => $"must be at most {argument.ToJsonString()}",
        "exclusiveMinimum" => $"must be greater than {argument.ToJsonString()}",
        "exclusiveMaximum" => $"must be less than {argument.ToJsonString()}",
        "minLength" => $"must be at least {argument.ToJsonString()} characters long",
        "maxLength" => $"must be at most {argument.ToJsonString()} characters long",
        "minItems" => $"must have at least {argument.ToJsonString()} items",
        "maxItems" => $"must have at most {argument.ToJsonString()} items",
        "pattern" => $"must match the pattern '{argument}'",
        _ => null,
    };

    private static string Lower(string message) => message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : message;

    // The instance path in expression syntax, and the value there (to name the missing members of `required`).
    private static (string Path, JsonNode? Value) Locate(JsonNode? root, string pointer)
    {
        var path = JsonPaths.Root;
        var value = root;
        if (pointer.Length == 0) return (path, value);
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (value is JsonArray array && int.TryParse(segment, out var index))
            {
                path = JsonPaths.Index(path, index);
                value = index < array.Count ? array[index] : null;
            }
            else
            {
                path = JsonPaths.Member(path, segment);
                value = value is JsonObject obj ? obj[segment] : null;
            }
        }
        return (path, value);
    }

    // The subschema that produced a result, read from our own document; null when it lives elsewhere (an
    // embedded resource with its own $id), in which case the library's message is used.
    private static JsonObject? SchemaAt(JsonObject schema, Uri location)
    {
        var text = location.OriginalString;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0 || text[..hash] != JsonSchemaCompiler.BaseUri.OriginalString) return null;
        JsonNode? node = schema;
        var fragment = Uri.UnescapeDataString(text[(hash + 1)..]);
        if (fragment.Length == 0) return schema;
        if (fragment[0] != '/') return null;
        foreach (var raw in fragment[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }
        return node as JsonObject;
    }
}
