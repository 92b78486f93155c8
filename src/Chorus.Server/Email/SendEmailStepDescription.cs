using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Email;

/// <summary>The <c>sendEmail</c> step as the editor and <c>/api/available-steps</c> show it; <see cref="EmailStepConfig"/> stays the authority at save.</summary>
internal static class SendEmailStepDescription
{
    public static StepDescription Value { get; } = new()
    {
        Name = SendEmailStep.StepType,
        Category = "integration",
        Description = "Sends one email through the server's SMTP server or the step's own.",
        ConfigSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["to", "subject"], "anyOf": [{"required": ["body"]}, {"required": ["html"]}], "definitions": {"addresses": {"type": ["string", "array"], "items": {"type": "string"}}}, "properties": {
              "to": {"$ref": "#/definitions/addresses", "description": "An address, a comma-separated list or an array of addresses."},
              "cc": {"$ref": "#/definitions/addresses"},
              "bcc": {"$ref": "#/definitions/addresses"},
              "reply_to": {"$ref": "#/definitions/addresses"},
              "from": {"type": "string", "description": "Default SMTP_FROM."},
              "subject": {"type": "string"},
              "body": {"type": "string", "description": "The text part; body or html is required."},
              "html": {"type": "string", "description": "The HTML part."},
              "timeout": {"type": ["number", "string"], "description": "Seconds, 1 to 600; default 30."},
              "smtp": {"type": "object", "required": ["host"], "description": "The step's own server, replacing the server's whole.", "properties": {
                "host": {"type": "string"}, "port": {"type": ["integer", "string"]}, "tls": {"type": "string"},
                "username": {"type": "string"}, "password": {"type": "string"}, "from": {"type": "string"}}},
              "attachments": {"type": "array", "maxItems": 20, "description": "Files of the tenant's store, 25 MiB in all.", "items": {"type": "object", "required": ["file_id"], "additionalProperties": false, "properties": {
                "file_id": {"description": "A file id, a {\"$file\": ...} reference, or a placeholder that gives one."}, "name": {"type": "string"}}}}}}
            """)!,
        OutputSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["message_id", "accepted", "to", "subject"], "properties": {
              "message_id": {"type": "string"}, "accepted": {"type": "array", "items": {"type": "string"}},
              "to": {"type": "array", "items": {"type": "string"}}, "subject": {"type": "string"},
              "attachments": {"type": "array", "items": {"type": "string"}, "description": "The attached files' names."}}}
            """)!,
    };
}
