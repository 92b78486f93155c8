using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;

namespace Chorus.Server.Llm;

/// <summary>What one <c>llm</c> step asks for, read from its rendered config with the server's settings as defaults.</summary>
internal sealed record LlmStepConfig
{
    internal const int MaxPromptLength = 200_000;
    internal const int MaxOutputTokens = 128_000;
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public required Uri BaseUrl { get; init; }
    /// <summary>The step named its own endpoint: its calls go through the outbound policy, as an http step's do.</summary>
    public required bool StepEndpoint { get; init; }
    public required string Model { get; init; }
    public string? ApiKey { get; init; }
    public string? System { get; init; }
    public required string Prompt { get; init; }
    public float? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    public JsonObject? ResponseSchema { get; init; }

    private static readonly string[] Fields = ["prompt", "system", "model", "base_url", "api_key", "temperature", "max_tokens", "response_schema"];

    public static LlmStepConfig Read(JsonObject config, LlmSettings server)
    {
        var stepUrl = Text(config, "base_url");
        var baseUrl = stepUrl is not null
            ? Uri.TryCreate(stepUrl, UriKind.Absolute, out var own) && own.Scheme is "http" or "https" ? own
                : throw new StepConfigurationException($"config.base_url '{stepUrl}' is not an http or https URL.")
            : server.BaseUrl
            ?? throw new StepConfigurationException("llm has no endpoint: set config.base_url, or LLM_BASE_URL on the server.");
        var model = Text(config, "model") ?? server.Model
            ?? throw new StepConfigurationException("llm has no model: set config.model, or LLM_MODEL on the server.");
        var prompt = Text(config, "prompt") ?? throw new StepConfigurationException("llm needs config.prompt.");
        if (prompt.Length > MaxPromptLength)
            throw new StepConfigurationException($"The rendered prompt has {prompt.Length:N0} characters; at most {MaxPromptLength:N0}.");
        return new LlmStepConfig
        {
            BaseUrl = baseUrl,
            StepEndpoint = stepUrl is not null,
            Model = model,
            // A step with its own endpoint never gets the server's key: it would hand it to whoever runs that endpoint.
            ApiKey = config.ContainsKey("api_key") ? Text(config, "api_key") : stepUrl is null ? server.ApiKey : null,
            System = Text(config, "system"),
            Prompt = prompt,
            Temperature = config["temperature"] is JsonValue t ? (float)t.GetValue<double>() : null,
            MaxTokens = config["max_tokens"] is JsonValue m ? m.GetValue<int>() : null,
            ResponseSchema = config["response_schema"] as JsonObject,
        };
    }

    /// <summary>Refusals at save: what can be checked before placeholders are filled in.</summary>
    public static IEnumerable<StepConfigIssue> Validate(JsonObject config)
    {
        foreach (var (name, _) in config)
            if (!Fields.Contains(name))
                yield return new($"config.{name}", $"Unknown field; an llm step takes {string.Join(", ", Fields)}.");
        if (config["prompt"] is not JsonValue prompt || prompt.GetValueKind() != JsonValueKind.String || prompt.GetValue<string>().Length == 0)
            yield return new("config.prompt", "Required: the user prompt, a string ({{ }} placeholders are filled in from the context).");
        foreach (var field in (string[])["system", "model", "api_key"])
            if (config[field] is { } value && value.GetValueKind() != JsonValueKind.String)
                yield return new($"config.{field}", "Must be a string.");
        if (config["base_url"] is { } url && (url.GetValueKind() != JsonValueKind.String || !IsHttpUrlOrTemplate(url.GetValue<string>())))
            yield return new("config.base_url", "Must be an http or https URL, such as https://api.openai.com/v1.");
        if (config["temperature"] is { } temperature && (temperature.GetValueKind() != JsonValueKind.Number || temperature.GetValue<double>() is < 0 or > 2))
            yield return new("config.temperature", "Must be a number from 0 to 2.");
        if (config["max_tokens"] is { } max && (max.GetValueKind() != JsonValueKind.Number || !max.AsValue().TryGetValue<int>(out var tokens) || tokens is < 1 or > MaxOutputTokens))
            yield return new("config.max_tokens", $"Must be a whole number from 1 to {MaxOutputTokens:N0}.");
        if (config["response_schema"] is { } schema)
        {
            if (schema is not JsonObject schemaObject)
                yield return new("config.response_schema", "Must be a JSON Schema object.");
            else
                foreach (var problem in JsonSchemas.ProblemsOf(schemaObject))
                    yield return new("config.response_schema", problem);
        }
    }

    /// <summary>A string field, or null when it is absent or not a string.</summary>
    private static string? Text(JsonObject config, string field) =>
        config[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsHttpUrlOrTemplate(string text) =>
        text.Contains("{{", StringComparison.Ordinal)
        || Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
