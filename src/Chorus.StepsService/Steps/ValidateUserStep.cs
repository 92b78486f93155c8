using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Steps;

/// <summary>Checks the execution's dynamic properties (<c>input.dynamic_properties</c>, e.g. <c>propiedadA: "admin"</c>):
/// which must be present and which values each may take. The verdict is an output, not an error, so a workflow can
/// branch on it.</summary>
internal sealed class ValidateUserStep : IStepHandler
{
    private static readonly string[] DefaultRequired = ["propiedadA"];

    public string Name => "validate_user";

    public string Description => "Checks input.dynamic_properties: the required properties (config.required, default [\"propiedadA\"]) and their allowed values (config.allowed).";

    public JsonObject ConfigSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "properties": {
            "required": {"type": "array", "items": {"type": "string"}, "description": "Properties that must be present."},
            "allowed": {
              "type": "object",
              "additionalProperties": {"type": "array"},
              "description": "For a property, the values it may take, e.g. {\"propiedadA\": [\"admin\", \"user\"]}."
            }
          }
        }
        """);

    public JsonObject OutputSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "required": ["valid", "reasons", "properties"],
          "properties": {
            "valid": {"type": "boolean"},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "properties": {"type": "object"}
          }
        }
        """);

    public Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        var properties = (request.Find("input.dynamic_properties") ?? request.Find("initial_data.dynamic_properties")) switch
        {
            null => [],
            JsonObject found => found,
            var other => throw new StepException("invalid_input", $"input.dynamic_properties must be an object, not {other.GetValueKind().ToString().ToLowerInvariant()}.",
                details: new JsonObject { ["field"] = "input.dynamic_properties" }),
        };
        var reasons = new List<string>();
        var required = request.Config["required"] is JsonArray names ? names.Select(n => n!.GetValue<string>()) : DefaultRequired;
        foreach (var name in required)
            if (properties[name] is null)
                reasons.Add($"{name} is required");
        if (request.Config["allowed"] is JsonObject allowed)
        {
            foreach (var (name, values) in allowed)
            {
                if (properties[name] is not { } value)
                    continue;
                if (!values!.AsArray().Any(v => JsonNode.DeepEquals(v, value)))
                    reasons.Add($"{name} is {value.ToJsonString()}; allowed: {values.ToJsonString()}");
            }
        }
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["valid"] = reasons.Count == 0,
            ["reasons"] = new JsonArray([.. reasons.Select(r => (JsonNode)r)]),
            ["properties"] = properties.DeepClone(),
        });
    }
}
