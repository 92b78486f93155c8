namespace Chorus.Server.Sms;

/// <summary>The SMS account <c>sendSMS</c> steps send through unless they name their own: a Twilio-compatible
/// messaging API. ToString never shows the token.</summary>
public sealed record SmsSettings
{
    /// <summary>SMS_BASE_URL: the API's base (https://api.twilio.com unless set).</summary>
    public Uri BaseUrl { get; init; } = new("https://api.twilio.com");

    /// <summary>SMS_ACCOUNT_SID: the account; without it the server has no SMS account of its own.</summary>
    public string? AccountSid { get; init; }

    /// <summary>SMS_AUTH_TOKEN.</summary>
    public string? AuthToken { get; init; }

    /// <summary>SMS_FROM: the sender number (E.164) when a step names none.</summary>
    public string? From { get; init; }

    public override string ToString() => $"sms {BaseUrl} account={AccountSid}{(AuthToken is { Length: > 0 } ? " token=***" : "")}";

    /// <summary>Reads the SMS_* variables; a malformed one stops the server with a line naming it.</summary>
    public static SmsSettings FromEnvironment(Func<string, string?> read)
    {
        var settings = new SmsSettings
        {
            AccountSid = read("SMS_ACCOUNT_SID") is { Length: > 0 } sid ? sid : null,
            AuthToken = read("SMS_AUTH_TOKEN") is { Length: > 0 } token ? token : null,
            From = read("SMS_FROM") is { Length: > 0 } from ? from : null,
        };
        if (read("SMS_BASE_URL") is { Length: > 0 } url)
            settings = settings with
            {
                BaseUrl = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed
                    : throw new Hosting.OptionsException($"SMS_BASE_URL: must be an http or https URL, not '{url}'."),
            };
        if (settings.From is { } sender && !SmsStepConfig.IsPhoneNumber(sender))
            throw new Hosting.OptionsException($"SMS_FROM: must be a phone number in E.164 form, such as +14155550100, not '{sender}'.");
        return settings;
    }
}
