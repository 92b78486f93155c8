using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>Durations as authors write them: a JSON number of seconds, a short form such as "500ms", "30s",
/// "5m", "2h", "1d" (units may be chained: "1h30m"), or ISO-8601 such as "PT5M", "PT1H30M", "P1D".
/// Signs are kept: callers decide whether zero or negative is acceptable.</summary>
internal static class Durations
{
    public static bool TryParse(JsonNode? node, out TimeSpan duration)
    {
        duration = default;
        if (node is not JsonValue value)
            return false;
        return value.GetValueKind() switch
        {
            JsonValueKind.Number => TryReadNumber(value, out var seconds) && TryFromSeconds(seconds, out duration),
            JsonValueKind.String => TryParse(value.GetValue<string>(), out duration),
            _ => false,
        };
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var s = text.Trim();
        var negative = s[0] == '-';
        if (negative || s[0] == '+')
            s = s[1..];
        if (s.Length == 0)
            return false;

        double seconds;
        if (s[0] is 'P' or 'p')
        {
            if (!TryParseIso(s, out seconds))
                return false;
        }
        else if (!TryParseShort(s, out seconds))
            return false;
        return TryFromSeconds(negative ? -seconds : seconds, out duration);
    }

    /// <summary>Reads a JSON number through its text so that values built in code (int, long, decimal) and
    /// values parsed from text behave the same.</summary>
    internal static bool TryReadNumber(JsonNode node, out double number) =>
        double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number)
        && double.IsFinite(number);

    private static bool TryFromSeconds(double seconds, out TimeSpan duration)
    {
        duration = default;
        // TimeSpan.FromSeconds throws beyond its range; a definition must not be able to make parsing throw.
        if (!double.IsFinite(seconds) || Math.Abs(seconds) >= TimeSpan.MaxValue.TotalSeconds)
            return false;
        duration = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    // A bare number is seconds, as it is in JSON; "1h30m" chains like Go's time.ParseDuration, which the
    // seed's engine used.
    private static bool TryParseShort(string s, out double seconds)
    {
        seconds = 0;
        var i = 0;
        while (i < s.Length)
        {
            var segmentStart = i;
            if (!TryReadDecimal(s, ref i, out var amount))
                return false;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
                i++;
            var unit = s[unitStart..i].ToLowerInvariant();
            if (unit.Length == 0 && segmentStart == 0 && i == s.Length)
                unit = "s";
            double? factor = unit switch
            {
                "ms" => 0.001,
                "s" or "sec" => 1,
                "m" or "min" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (factor is null)
                return false;
            seconds += amount * factor.Value;
        }
        return true;
    }

    private static bool TryParseIso(string s, out double seconds)
    {
        seconds = 0;
        var i = 1;
        var inTime = false;
        var any = false;
        var lastRank = -1;
        while (i < s.Length)
        {
            if (s[i] is 'T' or 't')
            {
                if (inTime)
                    return false;
                inTime = true;
                i++;
                continue;
            }
            if (!TryReadDecimal(s, ref i, out var amount) || i >= s.Length)
                return false;
            var designator = char.ToUpperInvariant(s[i++]);
            // Years and months have no fixed length, so they are refused rather than guessed.
            (int rank, double factor) = (inTime, designator) switch
            {
                (false, 'W') => (0, 604800.0),
                (false, 'D') => (1, 86400.0),
                (true, 'H') => (2, 3600.0),
                (true, 'M') => (3, 60.0),
                (true, 'S') => (4, 1.0),
                _ => (-1, 0.0),
            };
            if (rank <= lastRank)
                return false;
            lastRank = rank;
            seconds += amount * factor;
            any = true;
        }
        return any;
    }

    private static bool TryReadDecimal(string s, ref int i, out double amount)
    {
        var start = i;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] is '.' or ','))
            i++;
        var digits = s[start..i].Replace(',', '.');
        return double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
    }
}
