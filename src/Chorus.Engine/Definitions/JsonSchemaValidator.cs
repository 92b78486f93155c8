using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>The JSON Schema subset Chorus enforces on execution input: type, required, properties, items,
/// enum, minimum/maximum, minLength/maxLength, pattern, additionalProperties (false).</summary>
public static class JsonSchemaValidator
{
    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="instance"/>; empty when valid.</summary>
    public static IReadOnlyList<SchemaError> Validate(JsonObject schema, JsonNode? instance) => throw new NotImplementedException(schema.ToJsonString() + instance);

    /// <summary>Problems in the schema itself (unknown type name, bad pattern, wrong keyword types).</summary>
    public static IReadOnlyList<SchemaError> CheckSchema(JsonObject schema) => throw new NotImplementedException(schema.ToJsonString());
}

/// <summary>A violation at a JSON path such as <c>$.user.email</c>.</summary>
public sealed record SchemaError(string Path, string Message);
