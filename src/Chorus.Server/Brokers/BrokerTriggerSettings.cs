using System.Text.Json.Nodes;
using Chorus.Engine;

namespace Chorus.Server.Brokers;

/// <summary>The settings every broker trigger has, beside its broker's own: a name, the secret holding the connection
/// URL, and how a message becomes the input.</summary>
internal static class BrokerTriggerSettings
{
    public const string InputBody = "body";
    public const string InputEnvelope = "envelope";
    public static readonly IReadOnlyList<string> Fields = ["name", "enabled", "secret", "input"];

    public static string? Name(JsonObject settings) => settings["name"]?.GetValue<string>();

    /// <summary>The name of the tenant's secret whose value is the connection URL.</summary>
    public static string Secret(JsonObject settings) => settings["secret"]?.GetValue<string>() ?? "";

    public static string Input(JsonObject settings) => settings["input"]?.GetValue<string>() ?? InputBody;

    /// <summary>Applies the shared fields of a create or update body (a create must name the secret); the caller checks
    /// that the secret exists.</summary>
    public static (JsonObject Settings, bool? Enabled) Apply(JsonObject current, JsonObject body, IReadOnlyList<string> brokerFields, bool creating)
    {
        var known = Fields.Concat(brokerFields).ToList();
        var unknown = body.Select(p => p.Key).Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"A trigger has only {string.Join(", ", known)}.",
                new JsonObject { ["fields"] = new JsonArray([.. unknown.Select(u => (JsonNode?)u)]) });
        var settings = (JsonObject)current.DeepClone();
        if (body.ContainsKey("name"))
        {
            var name = body["name"] is null ? null : Text(body, "name");
            if (name is { Length: > 200 })
                throw Invalid("name", "'name' has at most 200 characters.");
            settings["name"] = name;
        }
        if (body.ContainsKey("secret") || creating)
        {
            var secret = body["secret"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (string.IsNullOrEmpty(secret) || secret.Length > 100)
                throw Invalid("secret", "'secret' is the name of the tenant's secret (see /api/secrets) whose value is the connection URL.");
            settings["secret"] = secret;
        }
        if (body.ContainsKey("input"))
            settings["input"] = Text(body, "input") is InputBody or InputEnvelope ? Text(body, "input")
                : throw Invalid("input", $"'input' is {InputBody} (the message body, as JSON, is the input) or {InputEnvelope} ({{\"body\", \"headers\", \"properties\"}}).");
        else if (creating)
            settings["input"] = InputBody;
        bool? enabled = body["enabled"] is null ? null
            : body["enabled"] is JsonValue e && e.TryGetValue<bool>(out var flag) ? flag : throw Invalid("enabled", "'enabled' must be true or false.");
        return (settings, enabled);
    }

    public static string Text(JsonObject body, string field) =>
        body[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Invalid(field, $"'{field}' must be a string.");

    public static ChorusException Invalid(string field, string message) => new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
