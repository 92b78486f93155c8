using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine;

namespace Chorus.Server.Webhooks;

/// <summary>How a webhook trigger treats calls, as the management API writes it and the store keeps it (the
/// trigger's <c>settings</c> JSON).</summary>
internal sealed partial record WebhookSettings
{
    public const string AuthHmac = "hmac";
    public const string AuthHmacOrToken = "hmac_or_token";
    public const string InputBody = "body";
    public const string InputEnvelope = "envelope";
    public const int DefaultMaxBodyBytes = 256 * 1024;
    private const int MaxHeaderNames = 20;

    private static readonly string[] Fields = ["name", "enabled", "auth_mode", "headers", "delivery_id_headers", "max_body_bytes", "input"];

    /// <summary>Headers that carry credentials: never copied into an execution, where every viewer could read them.</summary>
    private static readonly string[] CredentialHeaders =
        ["authorization", "proxy-authorization", "cookie", WebhookAuth.SecretHeader.ToLowerInvariant(), WebhookAuth.SignatureHeader.ToLowerInvariant()];

    public static readonly IReadOnlyList<string> DefaultDeliveryIdHeaders = ["idempotency-key", "x-github-delivery"];

    public string? Name { get; init; }
    /// <summary><see cref="AuthHmac"/>: a signature is required; <see cref="AuthHmacOrToken"/>: the secret itself is also accepted.</summary>
    public string AuthMode { get; init; } = AuthHmac;
    /// <summary>Request headers (lowercase) copied into the execution's trigger, and the input in envelope mode.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];
    /// <summary>Headers (lowercase) whose value names a delivery; the first one present deduplicates redeliveries.</summary>
    public IReadOnlyList<string> DeliveryIdHeaders { get; init; } = DefaultDeliveryIdHeaders;
    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;
    /// <summary><see cref="InputBody"/>: the body is the input; <see cref="InputEnvelope"/>: <c>{"body", "headers"}</c>.</summary>
    public string Input { get; init; } = InputBody;

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["auth_mode"] = AuthMode,
        ["headers"] = Names(Headers),
        ["delivery_id_headers"] = Names(DeliveryIdHeaders),
        ["max_body_bytes"] = MaxBodyBytes,
        ["input"] = Input,
    };

    /// <summary>Stored settings; what is missing takes its default (settings written by an older server).</summary>
    public static WebhookSettings FromJson(JsonObject json) => new()
    {
        Name = json["name"]?.GetValue<string>(),
        AuthMode = json["auth_mode"]?.GetValue<string>() ?? AuthHmac,
        Headers = json["headers"] is JsonArray h ? [.. h.Select(n => n!.GetValue<string>())] : [],
        DeliveryIdHeaders = json["delivery_id_headers"] is JsonArray d ? [.. d.Select(n => n!.GetValue<string>())] : DefaultDeliveryIdHeaders,
        MaxBodyBytes = json["max_body_bytes"]?.GetValue<int>() ?? DefaultMaxBodyBytes,
        Input = json["input"]?.GetValue<string>() ?? InputBody,
    };

    /// <summary>Applies a create or update body to <paramref name="current"/>; <paramref name="bodyCap"/> is the most the
    /// tenant's tier and the server accept. Everything is checked before anything is written.</summary>
    public static (WebhookSettings Settings, bool? Enabled) Apply(WebhookSettings current, JsonObject body, int bodyCap)
    {
        var unknown = body.Select(p => p.Key).Where(k => !Fields.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, $"A webhook trigger has only {string.Join(", ", Fields)}.",
                new JsonObject { ["fields"] = Names(unknown) });
        var settings = current;
        if (body.ContainsKey("name"))
        {
            var name = body["name"] is null ? null : Text(body, "name");
            if (name is { Length: > 200 })
                throw Invalid("name", "'name' has at most 200 characters.");
            settings = settings with { Name = name };
        }
        if (body.ContainsKey("auth_mode"))
            settings = settings with
            {
                AuthMode = Text(body, "auth_mode") is AuthHmac or AuthHmacOrToken ? Text(body, "auth_mode")
                    : throw Invalid("auth_mode", $"'auth_mode' is {AuthHmac} (a signature is required) or {AuthHmacOrToken} (the secret is also accepted as a token)."),
            };
        if (body.ContainsKey("input"))
            settings = settings with
            {
                Input = Text(body, "input") is InputBody or InputEnvelope ? Text(body, "input")
                    : throw Invalid("input", $"'input' is {InputBody} (the body is the input) or {InputEnvelope} ({{\"body\", \"headers\"}})."),
            };
        if (body.ContainsKey("headers"))
        {
            var headers = HeaderNames(body, "headers");
            if (headers.FirstOrDefault(CredentialHeaders.Contains) is { } credential)
                throw Invalid("headers", $"The header '{credential}' carries a credential; it is never copied into an execution.");
            settings = settings with { Headers = headers };
        }
        if (body.ContainsKey("delivery_id_headers"))
            settings = settings with { DeliveryIdHeaders = HeaderNames(body, "delivery_id_headers") };
        if (body.ContainsKey("max_body_bytes"))
            settings = settings with
            {
                MaxBodyBytes = body["max_body_bytes"] is JsonValue v && v.TryGetValue<int>(out var max) && max >= 1 && max <= bodyCap ? max
                    : throw Invalid("max_body_bytes", $"'max_body_bytes' is a whole number from 1 to {bodyCap} (the most this tenant's tier and the server accept)."),
            };
        bool? enabled = body["enabled"] is null ? null
            : body["enabled"] is JsonValue e && e.TryGetValue<bool>(out var flag) ? flag : throw Invalid("enabled", "'enabled' must be true or false.");
        return (settings, enabled);
    }

    private static List<string> HeaderNames(JsonObject body, string field)
    {
        if (body[field] is not JsonArray array || array.Count > MaxHeaderNames)
            throw Invalid(field, $"'{field}' is an array of at most {MaxHeaderNames} header names.");
        var names = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var name) || !HeaderName().IsMatch(name))
                throw Invalid(field, $"'{field}' holds header names (letters, digits and -_.!#$%&'*+^`|~, at most 100).");
            if (!names.Contains(name.ToLowerInvariant()))
                names.Add(name.ToLowerInvariant());
        }
        return names;
    }

    private static string Text(JsonObject body, string field) =>
        body[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Invalid(field, $"'{field}' must be a string.");

    private static ChorusException Invalid(string field, string message) => new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });

    private static JsonArray Names(IEnumerable<string> names) => new(names.Select(n => (JsonNode?)n).ToArray());

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
    private static partial Regex HeaderName();
}
