using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps;

/// <summary>Writes values into the variables [001]: {field: "a.b", value} or {fields: {name: value}}. The
/// output repeats what was written, keyed as the author wrote the names.</summary>
internal sealed class AddFieldStep : IStepHandler
{
    public string Type => "addField";

    public bool IsPure(StepDefinition step) => true;

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var writer = new VariableWriter(context.Data, context.Limits);
        var output = new JsonObject();
        if (StepJson.String(config, "field") is { } field)
        {
            writer.Set(field, config["value"]);
            output[field] = config["value"]?.DeepClone();
        }
        if (config["fields"] is JsonObject fields)
        {
            foreach (var (name, value) in fields)
            {
                writer.Set(name, value);
                output[name] = value?.DeepClone();
            }
        }
        if (output.Count == 0)
            throw new StepConfigurationException("addField needs config.field with config.value, or config.fields.");
        return Task.FromResult<StepResult>(new StepResult.Completed(output, Variables: writer.Written));
    }

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        var hasField = config.ContainsKey("field");
        var hasFields = config.ContainsKey("fields");
        if (!hasField && !hasFields)
        {
            yield return new("config.field", "Required: the variable to write (or config.fields for several).");
            yield break;
        }
        if (hasField)
        {
            if (StepJson.String(config, "field") is not { Length: > 0 })
                yield return new("config.field", "Must be a variable name or dotted path.");
            if (!config.ContainsKey("value"))
                yield return new("config.value", "Required with config.field.");
        }
        if (hasFields && config["fields"] is not JsonObject { Count: > 0 })
            yield return new("config.fields", "Must be a non-empty object of name: value.");
    }
}
