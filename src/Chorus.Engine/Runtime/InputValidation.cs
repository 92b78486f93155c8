using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Runtime;

internal static class InputValidation
{
    /// <summary>Refuses an execution input that breaks the workflow's <c>input_schema</c>.</summary>
    public static void Check(JsonObject? schema, JsonNode? input)
    {
        if (schema is null)
            return;
        var errors = JsonSchemaValidator.Validate(schema, input);
        if (errors.Count == 0)
            return;
        throw new ChorusException(ErrorCodes.InvalidInput, $"The input does not match the workflow's input_schema: {errors[0].Path} {errors[0].Message}",
            new JsonObject
            {
                ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)new JsonObject { ["path"] = e.Path, ["message"] = e.Message }).ToArray()),
            });
    }
}
