using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Waits for a person [001]: the input arrives through the API under the step id. The schema the
/// submission must match is config.schema, or one built from config.fields so the API can check it too.</summary>
internal sealed class ManualInputStep : IStepHandler
{
    public string Type => "manualInput";

    private static readonly string[] JsonTypes = ["string", "number", "integer", "boolean", "object", "array"];

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var schema = config["schema"] as JsonObject ?? SchemaFromFields(config["fields"] as JsonArray);
        return Task.FromResult<StepResult>(new StepResult.WaitForSignal(context.Step.Id, SignalKind.ManualInput,
            (JsonObject?)schema?.DeepClone()));
    }

    private static JsonObject? SchemaFromFields(JsonArray? fields)
    {
        if (fields is null || fields.Count == 0)
            return null;
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var field in fields.OfType<JsonObject>())
        {
            if (StepJson.String(field, "name") is not { } name)
                continue;
            // Editor types such as "text", "email" or "select" are strings as far as the data goes.
            var type = StepJson.String(field, "type") is { } t && JsonTypes.Contains(t) ? t : "string";
            properties[name] = new JsonObject { ["type"] = type };
            if (StepJson.Bool(field, "required") == true)
                required.Add(name);
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
            schema["required"] = required;
        return schema;
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        if (config.ContainsKey("schema") && config["schema"] is not JsonObject)
            yield return new("config.schema", "Must be a JSON Schema object.");
        // A schema with placeholders only takes its shape when the step runs; every other one is checked now,
        // so a bad or remote $ref is refused at save rather than when a person submits input.
        else if (config["schema"] is JsonObject schema && !schema.ToJsonString().Contains("{{", StringComparison.Ordinal))
            foreach (var error in JsonSchemaValidator.CheckSchema(schema))
                yield return new("config.schema" + error.Path[1..], error.Message);
        if (config.ContainsKey("prompt") && config["prompt"] is not null && !StepJson.IsString(config["prompt"]))
            yield return new("config.prompt", "Must be a string.");
        if (!config.ContainsKey("fields"))
            yield break;
        if (config["fields"] is not JsonArray fields)
        {
            yield return new("config.fields", "Must be an array of {name, type, required}.");
            yield break;
        }
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] is not JsonObject field || StepJson.String(field, "name") is not { Length: > 0 })
                yield return new($"config.fields[{i}].name", "Each field needs a name.");
        }
    }
}
