using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Chorus.Engine.Steps;

/// <summary>Durations as step configs write them: a number of seconds, "250ms", "30s", "5m", "2h", "1d",
/// or ISO 8601 ("PT5M"). Kept here so the step handlers do not wait on the definitions parser.</summary>
internal static class StepDurations
{
    public static bool TryParse(JsonNode? node, out TimeSpan duration)
    {
        duration = default;
        if (node is not JsonValue value)
            return false;
        if (value.GetValueKind() == JsonValueKind.Number)
            return TryFromSeconds(value.GetValue<double>(), out duration);
        return value.TryGetValue<string>(out var text) && TryParse(text, out duration);
    }

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var s = text.Trim();
        if (s.Length == 0)
            return false;
        if (s[0] is 'P' or 'p' or '-')
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(s.ToUpperInvariant());
                return duration >= TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        var (number, unit) = Split(s);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            return false;
        double? seconds = unit switch
        {
            "" or "s" or "sec" or "secs" or "second" or "seconds" => amount,
            "ms" => amount / 1000,
            "m" or "min" or "mins" or "minute" or "minutes" => amount * 60,
            "h" or "hr" or "hour" or "hours" => amount * 3600,
            "d" or "day" or "days" => amount * 86400,
            _ => null,
        };
        return seconds is double secs && TryFromSeconds(secs, out duration);
    }

    private static (string Number, string Unit) Split(string s)
    {
        var i = s.Length;
        while (i > 0 && char.IsAsciiLetter(s[i - 1]))
            i--;
        return (s[..i].Trim(), s[i..].ToLowerInvariant());
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan duration)
    {
        duration = default;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
