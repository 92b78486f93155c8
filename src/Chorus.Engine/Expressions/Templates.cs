using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>"{{ expr }}" placeholders inside any string of a step's config. A string that is exactly one
/// placeholder keeps the value's JSON type; otherwise values are written into the text.</summary>
public static class Templates
{
    /// <summary>Returns a new node with every placeholder filled from <paramref name="context"/>; the input is
    /// not changed. Paths without <c>$</c> (e.g. <c>variables.email</c>) are read from the context root.</summary>
    public static JsonNode? Render(JsonNode? node, JsonNode? context) => throw new NotImplementedException(node?.ToJsonString() + context);

    /// <summary>Parse errors of every placeholder in the node, with the JSON path of the string that holds it.</summary>
    public static IReadOnlyList<TemplateError> Validate(JsonNode? node) => throw new NotImplementedException(node?.ToJsonString());
}

public sealed record TemplateError(string Path, string Message, int Position);
