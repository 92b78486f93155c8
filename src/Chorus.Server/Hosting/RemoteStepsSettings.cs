using System.Globalization;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps.Remote;

namespace Chorus.Server.Hosting;

/// <summary>STEPS_SVC_URL (one or more steps services, separated by ',' or ';') and STEPS_SVC_TIMEOUT (seconds a call
/// may take, 60 by default).</summary>
internal static class RemoteStepsSettings
{
    public static RemoteStepsOptions From(Func<string, string?> read)
    {
        var defaults = new RemoteStepsOptions();
        return defaults with
        {
            Services = Urls(read("STEPS_SVC_URL")),
            Timeout = Timeout(read("STEPS_SVC_TIMEOUT"), defaults.Timeout),
        };
    }

    private static List<Uri> Urls(string? text)
    {
        var urls = new List<Uri>();
        foreach (var part in (text ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
                throw new OptionsException($"STEPS_SVC_URL: '{part}' is not an absolute http or https URL.");
            if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
                throw new OptionsException($"STEPS_SVC_URL: '{part}' must be a base URL without user info, query or fragment.");
            if (!urls.Contains(url))
                urls.Add(url);
        }
        return urls;
    }

    private static TimeSpan Timeout(string? text, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        var max = DurationLimits.MaxStepTimeout;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > max.TotalSeconds)
            throw new OptionsException($"STEPS_SVC_TIMEOUT: '{text}' is not a number of seconds greater than 0 and at most {max.TotalSeconds:0} ({DurationLimits.Describe(max)}).");
        return TimeSpan.FromSeconds(seconds);
    }
}
