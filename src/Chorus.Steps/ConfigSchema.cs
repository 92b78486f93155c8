using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Chorus.Steps;

/// <summary>A step's config schema, built once at start by JsonSchema.Net (draft 2020-12, <c>format</c> asserted),
/// and the check of each call's config against it.</summary>
internal sealed class ConfigSchema
{
    private static readonly Uri BaseUri = new("urn:chorus:steps:config");
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonSchema? _schema;

    private ConfigSchema(JsonSchema? schema) => _schema = schema;

    /// <summary>Builds <paramref name="schema"/>; an empty object accepts any config. A schema that does not build
    /// stops the service at start with the step's name, rather than refusing every call later.</summary>
    public static ConfigSchema Build(string step, JsonObject schema)
    {
        if (schema.Count == 0)
            return new ConfigSchema(null);
        try
        {
            // A registry per schema: two steps may use the same $id, and Fetch stays null so nothing is downloaded.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
            return new ConfigSchema(JsonSchema.Build(JsonSerializer.SerializeToElement(schema), options, BaseUri));
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException
            or UriFormatException or RefResolutionException)
        {
            throw new InvalidOperationException($"Step '{step}': its config schema is not a valid JSON Schema: {e.Message}", e);
        }
    }

    /// <summary>Each violation as (path, message), the path written from <c>config</c> (<c>config.threshold</c>,
    /// <c>config.roles[0]</c>); empty when the config is valid.</summary>
    public IReadOnlyList<(string Path, string Message)> Check(JsonObject config)
    {
        if (_schema is null)
            return [];
        var results = _schema.Evaluate(JsonSerializer.SerializeToElement(config), Evaluation);
        if (results.IsValid)
            return [];
        var errors = new List<(string, string)>();
        foreach (var node in (IEnumerable<EvaluationResults>)[results, .. results.Details ?? []])
        {
            if (node.IsValid || node.Errors is null)
                continue;
            var path = PathOf(node.InstanceLocation.ToString());
            foreach (var (keyword, message) in node.Errors)
                errors.Add((path, $"{Lower(message)} ({keyword})"));
        }
        // `not`, or oneOf matched twice, fail without a message of their own.
        return errors.Count > 0 ? errors : [("config", "does not match the step's config schema")];
    }

    private static string Lower(string message) => message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : message;

    private static string PathOf(string pointer)
    {
        var path = "config";
        if (pointer.Length == 0)
            return path;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path += int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? $"[{index}]" : $".{segment}";
        }
        return path;
    }
}
