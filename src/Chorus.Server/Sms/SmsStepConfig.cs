using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine.Steps;

namespace Chorus.Server.Sms;

/// <summary>What one <c>sendSMS</c> step sends, read from its rendered config with the server's account as default.</summary>
internal sealed partial record SmsStepConfig
{
    internal const int MaxBodyLength = 1_600;

    public required Uri BaseUrl { get; init; }
    /// <summary>The step named its own API: its calls go through the outbound policy, as an http step's do.</summary>
    public required bool StepEndpoint { get; init; }
    public required string AccountSid { get; init; }
    public required string AuthToken { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Body { get; init; }

    private static readonly string[] Fields = ["to", "body", "from", "account_sid", "auth_token", "base_url"];

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhoneNumber();

    public static bool IsPhoneNumber(string text) => PhoneNumber().IsMatch(text);

    public static SmsStepConfig Read(JsonObject config, SmsSettings server)
    {
        var stepUrl = Text(config, "base_url");
        var baseUrl = stepUrl is null ? server.BaseUrl
            : Uri.TryCreate(stepUrl, UriKind.Absolute, out var own) && own.Scheme is "http" or "https" ? own
            : throw new StepConfigurationException($"config.base_url '{stepUrl}' is not an http or https URL.");
        // A step with its own API never gets the server's credentials: it would hand them to whoever runs that API.
        var sid = Text(config, "account_sid") ?? (stepUrl is null ? server.AccountSid : null);
        var token = Text(config, "auth_token") ?? (stepUrl is null ? server.AuthToken : null);
        if (sid is null || token is null)
            throw new StepConfigurationException("sendSMS has no account: set SMS_ACCOUNT_SID and SMS_AUTH_TOKEN on the server, or config.account_sid and config.auth_token.");
        var from = Text(config, "from") ?? server.From
            ?? throw new StepConfigurationException("sendSMS has no sender: set config.from, or SMS_FROM on the server.");
        var to = Text(config, "to") ?? throw new StepConfigurationException("sendSMS needs config.to.");
        foreach (var (field, number) in new[] { ("from", from), ("to", to) })
            if (!IsPhoneNumber(number))
                throw new StepConfigurationException($"config.{field} '{number}' is not a phone number in E.164 form, such as +14155550100.");
        var body = Text(config, "body") ?? throw new StepConfigurationException("sendSMS needs config.body.");
        if (body.Length is 0 or > MaxBodyLength)
            throw new StepConfigurationException($"The message has {body.Length} characters once filled in; it must have 1 to {MaxBodyLength}.");
        return new SmsStepConfig { BaseUrl = baseUrl, StepEndpoint = stepUrl is not null, AccountSid = sid, AuthToken = token, From = from, To = to, Body = body };
    }

    /// <summary>Refusals at save: what can be checked before placeholders are filled in.</summary>
    public static IEnumerable<StepConfigIssue> Validate(JsonObject config)
    {
        foreach (var (name, _) in config)
            if (!Fields.Contains(name))
                yield return new($"config.{name}", $"Unknown field; a sendSMS step takes {string.Join(", ", Fields)}.");
        foreach (var field in (string[])["to", "body"])
            if (Text(config, field) is not { Length: > 0 })
                yield return new($"config.{field}", "Required: a string ({{ }} placeholders are filled in from the context).");
        foreach (var field in (string[])["to", "from"])
            if (Text(config, field) is { } number && !number.Contains("{{", StringComparison.Ordinal) && !IsPhoneNumber(number))
                yield return new($"config.{field}", "Must be a phone number in E.164 form, such as +14155550100.");
        if (Text(config, "body") is { Length: > MaxBodyLength } && !Text(config, "body")!.Contains("{{", StringComparison.Ordinal))
            yield return new("config.body", $"A message has at most {MaxBodyLength} characters.");
        foreach (var field in (string[])["account_sid", "auth_token", "base_url", "from"])
            if (config[field] is { } value && value.GetValueKind() != JsonValueKind.String)
                yield return new($"config.{field}", "Must be a string.");
        if (Text(config, "base_url") is { } url && !url.Contains("{{", StringComparison.Ordinal)
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return new("config.base_url", "Must be an http or https URL.");
    }

    private static string? Text(JsonObject config, string field) =>
        config[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
