using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>The engine's JSON Schema checks for code outside it (a step of the host's that takes a schema): the same
/// draft, formats, limits and wording as a workflow's input schema. Each problem reads "path: message".</summary>
public static class JsonSchemas
{
    /// <summary>What is wrong with the schema itself; empty when it is a valid schema.</summary>
    public static IReadOnlyList<string> ProblemsOf(JsonObject schema) =>
        JsonSchemaValidator.CheckSchema(schema).Select(e => $"{e.Path}: {e.Message}").ToList();

    /// <summary>Where <paramref name="instance"/> breaks <paramref name="schema"/>; empty when it matches.</summary>
    public static IReadOnlyList<string> Violations(JsonObject schema, JsonNode? instance) =>
        JsonSchemaValidator.Validate(schema, instance).Select(e => $"{e.Path}: {e.Message}").ToList();
}
