using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>Turns workflow JSON (SPEC §2, seeds 002 and 003) into a <see cref="WorkflowDefinition"/>.</summary>
public static class DefinitionParser
{
    /// <summary>Returns the definition, or null with the shape errors (missing fields, wrong JSON types).</summary>
    public static WorkflowDefinition? Parse(JsonNode? json, out IReadOnlyList<DefinitionError> errors) => throw new NotImplementedException(json?.ToJsonString());
}
