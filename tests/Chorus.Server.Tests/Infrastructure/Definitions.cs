using System.Text.Json.Nodes;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>Workflow definitions used across the tests, built fresh for every call.</summary>
public static class Definitions
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>addField greeting from the input name, then output of the greeting.</summary>
    public static JsonObject Greeting(string name = "greeting", string status = "active") => Parse("""
        {
          "name": "__NAME__",
          "description": "says hello",
          "version": "1.0.0",
          "status": "__STATUS__",
          "steps": [
            {"id": "greet", "type": "addField", "config": {"field": "greeting", "value": "hello {{input.name}}"}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"greeting": "{{variables.greeting}}"}}}
          ]
        }
        """.Replace("__NAME__", name).Replace("__STATUS__", status));

    /// <summary>One step that waits for the named event, then an output of the event's data.</summary>
    public static JsonObject WaitForEvent(string eventName) => Parse("""
        {
          "name": "waits for __EVENT__",
          "steps": [
            {"id": "hold", "type": "wait", "config": {"event": "__EVENT__"}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"got": "{{hold.approved}}"}}}
          ]
        }
        """.Replace("__EVENT__", eventName));

    /// <summary>A manualInput step named "review", then an output.</summary>
    public static JsonObject ManualReview() => Parse("""
        {
          "name": "manual review",
          "steps": [
            {"id": "review", "type": "manualInput", "config": {"fields": [{"name": "decision", "type": "string", "required": true}]}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"decision": "{{review.decision}}"}}}
          ]
        }
        """);

    /// <summary>One output step of the execution's input and its context's <c>trigger</c> (what started it).</summary>
    public static JsonObject TriggerEcho(string status = "active", JsonObject? inputSchema = null)
    {
        var definition = Parse("""
            {
              "name": "trigger echo",
              "status": "__STATUS__",
              "steps": [
                {"id": "done", "type": "output", "config": {"value": {"input": "{{input}}", "trigger": "{{trigger}}"}}}
              ]
            }
            """.Replace("__STATUS__", status));
        if (inputSchema is not null)
            definition["input_schema"] = inputSchema;
        return definition;
    }

    /// <summary>An object input with a required string <c>name</c> and an optional integer <c>n</c>.</summary>
    public static JsonObject NameSchema() => Parse("""
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "n": {"type": "integer"}}}
        """);
}
