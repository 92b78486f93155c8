using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Definitions;

namespace Chorus.Engine.Steps.Remote;

/// <summary>One step a steps service offers, as its <c>GET /steps</c> described it.</summary>
internal sealed partial record RemoteStep(string Name, string Description, JsonObject ConfigSchema, JsonObject OutputSchema,
    TimeSpan? Timeout, Uri Service)
{
    /// <summary>False when the service sent no schema, an empty one, or one the engine cannot build: the config is then
    /// not checked at save (the service still checks it when called).</summary>
    public bool ChecksConfig { get; init; }

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Reads one entry of a catalog; null when it has no valid name (such an entry is skipped, not fatal).</summary>
    public static RemoteStep? From(JsonNode? node, Uri service)
    {
        if (node is not JsonObject item || StepJson.String(item, "name") is not { } name || !IsValidName(name))
            return null;
        var configSchema = item["config_schema"] as JsonObject ?? new JsonObject();
        var outputSchema = item["output_schema"] as JsonObject ?? new JsonObject();
        TimeSpan? timeout = item["timeout_seconds"] is JsonValue v && v.TryGetValue<double>(out var seconds) && seconds > 0
            && seconds <= DurationLimits.MaxStepTimeout.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        var checks = configSchema.Count > 0 && JsonSchemaValidator.CheckSchema(configSchema).Count == 0;
        return new RemoteStep(name, StepJson.String(item, "description") ?? "", (JsonObject)configSchema.DeepClone(),
            (JsonObject)outputSchema.DeepClone(), timeout, service) { ChecksConfig = checks };
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();
}
