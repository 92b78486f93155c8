using System.Text.Json.Nodes;
using Cronos;

namespace Chorus.Engine.Runtime;

/// <summary>A parsed cron expression in its time zone: when it fires next.</summary>
internal sealed class ScheduleTiming
{
    private const int MaxCronLength = 200;
    private readonly CronExpression _cron;
    private readonly TimeZoneInfo _zone;

    private ScheduleTiming(CronExpression cron, TimeZoneInfo zone)
    {
        _cron = cron;
        _zone = zone;
    }

    /// <summary>Five fields (minute, hour, day of month, month, day of week), six with seconds first, or a macro
    /// such as <c>@daily</c>; the zone is an IANA name. A bad value is the caller's invalid input.</summary>
    public static ScheduleTiming Parse(string cron, string timeZone)
    {
        var text = cron.Trim();
        if (text.Length == 0 || text.Length > MaxCronLength)
            throw Invalid("cron", $"cron must be 1 to {MaxCronLength} characters.");
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (!text.StartsWith('@') && fields is not (5 or 6))
            throw Invalid("cron", $"cron must have 5 fields (minute hour day month weekday) or 6 (seconds first), not {fields}.");
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw Invalid("cron", $"cron '{text}' is not valid: {ex.Message}");
        }
        return new ScheduleTiming(expression, Zone(timeZone));
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if it never fires again
    /// (a date that does not exist, such as 30 February).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) => _cron.GetNextOccurrence(after, _zone);

    /// <summary>The shortest time between two occurrences in the week after <paramref name="from"/> (a week holds
    /// every pattern of minutes, hours and weekdays), or null when it fires at most once in it.</summary>
    public TimeSpan? ShortestGap(DateTimeOffset from)
    {
        TimeSpan? shortest = null;
        DateTimeOffset? previous = null;
        foreach (var at in _cron.GetOccurrences(from, from.AddDays(7), _zone).Take(20_000))
        {
            if (previous is { } p && (shortest is null || at - p < shortest))
                shortest = at - p;
            previous = at;
        }
        return shortest;
    }

    private static TimeZoneInfo Zone(string name)
    {
        if (name.Length is > 0 and <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone))
            return zone;
        throw Invalid("time_zone", $"time_zone '{(name.Length > 64 ? name[..64] + "..." : name)}' is not a known IANA time zone (such as UTC or Europe/Paris).");
    }

    private static ChorusException Invalid(string field, string message) =>
        new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });
}
