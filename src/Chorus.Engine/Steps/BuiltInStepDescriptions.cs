using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>The built-in types as the editor sees them. The schemas describe what each handler reads and gives (see its file);
/// they stay loose where a value may be a "{{ }}" placeholder, and the handler's own checks at save stay the authority.</summary>
internal static class BuiltInStepDescriptions
{
    private static readonly FrozenDictionary<string, (string Category, string Description, string Schema, string Output)> Known =
        new Dictionary<string, (string, string, string, string)>
        {
            ["trigger"] = ("control_flow", "Start node: does nothing; later steps read the input under its id.", "{}",
                """{"description": "The execution's input, as it was given."}"""),
            ["comment"] = ("control_flow", "A note on the canvas; does nothing.", """{"type": "object"}""", """{"type": "null"}"""),
            ["output"] = ("data", "The execution's result: config.value, else the whole config, else the variables so far.",
                """{"type": "object", "properties": {"value": {}}}""",
                """{"description": "config.value, else the whole config, else the variables so far."}"""),
            ["addField"] = ("data", "Sets one field (field, value) or several (fields) in the variables.",
                """{"type": "object", "properties": {"field": {"type": "string"}, "value": {}, "fields": {"type": "object"}}}""",
                """{"type": "object", "description": "What was written, keyed by field name as the config names it."}"""),
            ["action"] = ("integration", "Runs an action: http_request, log_message, set_variable, or a step a steps service offers (the config minus action is its config).",
                """{"type": "object", "required": ["action"], "properties": {"action": {"type": "string"}, "message": {}, "level": {"enum": ["debug", "info", "warning", "warn", "error"]}, "name": {"type": "string"}, "value": {}, "url": {"type": "string"}, "method": {"type": "string"}}}""",
                """{"type": "object", "description": "log_message: {message, level}; set_variable: {name, value}; http_request: {status, headers, body}; a service's step: its own output.", "properties": {"message": {"type": "string"}, "level": {"type": "string"}, "name": {"type": "string"}, "value": {}, "status": {"type": "integer"}, "headers": {"type": "object"}, "body": {}}}"""),
            ["http"] = ("integration", "Calls an HTTP endpoint under the outbound policy; the output holds status, headers and body.",
                """{"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}, "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]}, "headers": {"type": "object"}, "query": {"type": "object"}, "body": {}, "timeout": {"type": ["number", "string"]}, "fail_on_status": {"type": "boolean"}}}""",
                """{"type": "object", "required": ["status", "headers", "body"], "properties": {"status": {"type": "integer"}, "headers": {"type": "object", "additionalProperties": {"type": "string"}}, "body": {"description": "JSON when the answer is JSON, else its text."}}}"""),
            ["condition"] = ("control_flow", "Chooses the next step: field/operator/value (next_steps = [if true, if false]) or expression branches (conditions with condition and next, plus default).",
                """{"type": "object", "properties": {"field": {"type": "string"}, "operator": {"type": "string"}, "value": {}, "conditions": {"type": "array", "items": {"type": "object", "properties": {"condition": {"type": "string"}, "next": {"type": "string"}}}}, "default": {"type": "string"}}}""",
                """{"type": "object", "required": ["result", "next"], "properties": {"result": {"type": "boolean"}, "matched_index": {"type": ["integer", "null"], "description": "Expression branches only: which condition held."}, "next": {"type": ["string", "null"], "description": "The step chosen to run next."}}}"""),
            ["parallel"] = ("control_flow", "Runs its branches at once (graph branches, or inline parallel_steps, each an action config or {type, config}).",
                """{"type": "object", "properties": {"parallel_steps": {"type": "array", "items": {"type": "object"}}}}""",
                """{"type": "object", "required": ["results"], "properties": {"results": {"type": "array", "description": "The inline branches' outputs, in order."}}}"""),
            ["join"] = ("control_flow", "Waits for every incoming branch; its output holds their outputs by step id, or merged.",
                """{"type": "object", "properties": {"mode": {"enum": ["by_step", "merge"]}}}""",
                """{"type": "object", "description": "Each incoming branch's output under its step id (by_step), or all of them merged into one object (merge)."}"""),
            ["wait"] = ("control_flow", "Pauses for a duration, until a time, or until a named event arrives.",
                """{"type": "object", "properties": {"wait_type": {"enum": ["duration", "until", "event"]}, "duration": {"type": ["string", "number"]}, "until": {"type": "string"}, "event": {"type": "string"}}}""",
                """{"type": ["object", "null"], "description": "{due_at} for a duration or until; the event's payload for an event.", "properties": {"due_at": {"type": "string", "format": "date-time"}}}"""),
            ["manualInput"] = ("human", "Waits for a person to submit input, checked against fields or a JSON Schema.",
                """{"type": "object", "properties": {"prompt": {"type": "string"}, "fields": {"type": "array", "items": {"type": "object"}}, "schema": {"type": "object"}}}""",
                """{"type": "object", "description": "The input the person submitted, as checked against fields or schema."}"""),
            ["subflow"] = ("control_flow", "Runs another workflow as a child execution; completes with the child's output.",
                """{"type": "object", "properties": {"workflow_id": {"type": "string"}, "subflow_id": {"type": "string"}, "input": {}, "recursive": {"type": "boolean"}}}""",
                """{"description": "The child execution's output."}"""),
            ["foreach"] = ("control_flow", "Runs one inline step for every item of a list.",
                """{"type": "object", "required": ["step"], "properties": {"items": {}, "items_expression": {"type": "string"}, "step": {"type": "object"}, "max_items": {"type": "integer", "minimum": 1}}}""",
                """{"type": "object", "required": ["items", "count"], "properties": {"items": {"type": "array", "description": "The inline step's output for each item, in order."}, "count": {"type": "integer", "minimum": 0}}}"""),
            ["webhook"] = ("integration", "Waits for a webhook call; resumes with its body.",
                """{"type": "object", "properties": {"name": {"type": "string"}}}""",
                """{"description": "The body of the webhook call that resumed the step."}"""),
            ["splitColumns"] = ("data", "Reshapes a list of records: splits a text field into several, renames fields, drops fields. Output {records, count}.",
                """{"type": "object", "required": ["records"], "properties": {"records": {"description": "A list of objects, or a placeholder that gives one."}, "split": {"type": "array", "items": {"type": "object", "required": ["field", "into"], "properties": {"field": {"type": "string"}, "separator": {"type": "string", "default": " "}, "into": {"type": "array", "items": {"type": "string"}}, "remove": {"type": "boolean"}}}}, "rename": {"type": "object", "additionalProperties": {"type": "string"}}, "drop": {"type": "array", "items": {"type": "string"}}}}""",
                """{"type": "object", "required": ["records", "count"], "properties": {"records": {"type": "array", "items": {"type": "object"}}, "count": {"type": "integer", "minimum": 0}}}"""),
            ["code"] = ("data", "Runs a JavaScript function body over the context ($, input, variables); its return value is the output, console lines go to the log. No I/O; limited in time, memory and statements.",
                """{"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "maxLength": 100000, "description": "A function body, e.g. return {total: input.price * input.quantity};"}, "time_limit": {"type": ["string", "number"], "description": "At most 10 s; default 1 s."}}}""",
                """{"description": "The snippet's return value (null when it returns nothing)."}"""),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static StepDescription? Find(string type) => Known.TryGetValue(type, out var known)
        ? new StepDescription
        {
            Name = type,
            Description = known.Description,
            Category = known.Category,
            ConfigSchema = (JsonObject)JsonNode.Parse(known.Schema)!,
            OutputSchema = (JsonObject)JsonNode.Parse(known.Output)!,
            Source = "built_in",
        }
        : null;
}
