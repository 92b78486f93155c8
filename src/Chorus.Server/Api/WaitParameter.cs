using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Engine;

namespace Chorus.Server.Api;

/// <summary><c>?wait=30s</c> on a route that starts an execution: how long the call may wait for the execution to end
/// and answer with its result, instead of answering at once.</summary>
internal static partial class WaitParameter
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    /// <summary>The wait asked for (<c>30s</c>, <c>500ms</c>, <c>1m</c>, or plain seconds), at most <see cref="Max"/>;
    /// null when none is. Read before anything starts, so a bad value changes nothing.</summary>
    public static TimeSpan? Of(HttpContext http)
    {
        var text = http.Request.Query["wait"].ToString();
        if (text.Length == 0)
            return null;
        var match = Pattern().Match(text);
        if (!match.Success)
            throw Invalid();
        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var wait = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
        return wait > TimeSpan.Zero && wait <= Max ? wait : throw Invalid();
    }

    private static ChorusException Invalid() =>
        new(ErrorCodes.InvalidInput, $"'wait' is a duration such as 30s or 500ms, above 0 and at most {Max.TotalSeconds} s.", new JsonObject { ["field"] = "wait" });

    [GeneratedRegex("^([0-9]{1,6}(?:\\.[0-9]{1,3})?)(ms|s|m)?$")]
    private static partial Regex Pattern();
}
