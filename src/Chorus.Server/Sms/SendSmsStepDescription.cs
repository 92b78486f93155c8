using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Server.Sms;

/// <summary>The <c>sendSMS</c> step as the editor and <c>/api/available-steps</c> show it; <see cref="SmsStepConfig"/> stays the authority at save.</summary>
internal static class SendSmsStepDescription
{
    public static StepDescription Value { get; } = new()
    {
        Name = SendSmsStep.StepType,
        Category = "integration",
        Description = "Sends one text message through a Twilio-compatible messaging API.",
        ConfigSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["to", "body"], "additionalProperties": false, "properties": {
              "to": {"type": "string", "minLength": 1, "description": "The recipient in E.164 form, such as +14155550100."},
              "body": {"type": "string", "minLength": 1, "description": "The text, at most 1,600 characters once filled in."},
              "from": {"type": "string", "description": "The sender number; default SMS_FROM."},
              "account_sid": {"type": "string"},
              "auth_token": {"type": "string", "description": "Usually {{secrets.name}}."},
              "base_url": {"type": "string", "description": "The step's own API; default SMS_BASE_URL."}}}
            """)!,
        OutputSchema = (JsonObject)JsonNode.Parse("""
            {"type": "object", "required": ["sid", "status", "to", "from"], "properties": {
              "sid": {"type": ["string", "null"]}, "status": {"type": ["string", "null"]}, "to": {"type": "string"}, "from": {"type": "string"}}}
            """)!,
    };
}
