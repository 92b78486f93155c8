using System.Text.Json.Nodes;

namespace Chorus.StepsService.Steps;

/// <summary>Schemas shared by several demo steps, and a reader for the ones written inline as JSON.</summary>
internal static class StepSchemas
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonObject User => Parse("""
        {
          "type": "object",
          "required": ["id", "name", "email", "role", "score"],
          "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "role": {"type": "string"},
            "score": {"type": "integer"}
          }
        }
        """);

    public static JsonObject Final(string status) => Parse($$"""
        {
          "type": "object",
          "required": ["status", "user_id", "at"],
          "properties": {
            "status": {"const": "{{status}}"},
            "user_id": {"type": ["integer", "null"]},
            "reason": {"type": "string"},
            "at": {"type": "string", "format": "date-time"}
          }
        }
        """);
}
