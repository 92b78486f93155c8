using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>The <c>publish</c> step as the editor and <c>/api/available-steps</c> show it; the step's own checks stay the authority at save.</summary>
internal static class PublishStepDescription
{
    public static StepDescription Value { get; } = new()
    {
        Name = PublishStep.StepType,
        Category = "integration",
        Description = "Publishes one message to RabbitMQ and completes once the broker has confirmed it.",
        ConfigSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["secret", "routing_key"], "additionalProperties": false, "properties": {
              "secret": {"type": "string", "minLength": 1, "description": "The tenant's secret holding the connection URL (amqp://...)."},
              "exchange": {"type": "string", "description": "Default: the default exchange, which routes to the queue named by routing_key."},
              "routing_key": {"type": "string"},
              "body": {"description": "A string is sent as text, any other value as JSON."},
              "headers": {"type": "object"},
              "message_id": {"type": "string", "description": "Default execution:step, the same for every attempt."},
              "content_type": {"type": "string"},
              "persistent": {"type": "boolean", "default": true},
              "mandatory": {"type": "boolean", "default": true, "description": "Fail when no queue is bound to take the message."},
              "timeout": {"type": "integer", "minimum": 1, "maximum": 120, "description": "Seconds to wait for the broker's confirmation; default 10."}}}
            """)!,
        OutputSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["message_id", "exchange", "routing_key", "confirmed"], "properties": {
              "message_id": {"type": "string"}, "exchange": {"type": "string"}, "routing_key": {"type": "string"}, "confirmed": {"type": "boolean"}}}
            """)!,
    };
}
