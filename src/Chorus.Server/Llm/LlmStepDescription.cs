using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Llm;

/// <summary>The <c>llm</c> step as the editor and <c>/api/available-steps</c> show it; <see cref="LlmStepConfig"/> stays the authority at save.</summary>
internal static class LlmStepDescription
{
    public static StepDescription Value { get; } = new()
    {
        Name = LlmStep.StepType,
        Category = "integration",
        Description = "Asks a language model (an OpenAI-compatible chat-completions endpoint) one question; with a response_schema the answer must be JSON matching it.",
        ConfigSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["prompt"], "additionalProperties": false, "properties": {
              "prompt": {"type": "string", "minLength": 1, "description": "The user prompt; {{ }} placeholders are filled in from the context."},
              "system": {"type": "string", "description": "The system prompt."},
              "model": {"type": "string", "description": "Default LLM_MODEL."},
              "base_url": {"type": "string", "description": "The step's own endpoint, such as https://api.openai.com/v1; default LLM_BASE_URL."},
              "api_key": {"type": "string", "description": "Usually {{secrets.name}}; default the server's key, for the server's endpoint only."},
              "temperature": {"type": "number", "minimum": 0, "maximum": 2},
              "max_tokens": {"type": "integer", "minimum": 1, "maximum": 128000},
              "response_schema": {"type": "object", "description": "A JSON Schema the answer must match."}}}
            """)!,
        OutputSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["text", "model", "usage"], "properties": {
              "text": {"type": "string"},
              "json": {"description": "The answer parsed, when the step has a response_schema."},
              "model": {"type": "string"},
              "finish_reason": {"type": ["string", "null"]},
              "usage": {"type": "object", "properties": {
                "input_tokens": {"type": ["integer", "null"]}, "output_tokens": {"type": ["integer", "null"]}, "total_tokens": {"type": "integer"}}}}}
            """)!,
    };
}
