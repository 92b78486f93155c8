using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

internal static partial class Functions
{
    private static JsonNode? ToNumber(CallArgs a)
    {
        var value = a[0];
        switch (JsonValues.Kind(value))
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number:
                return JsonValues.TryGetNumber(value, out var n) ? JsonValues.Number(n) : throw a.Error("number() is out of range");
            case JsonValueKind.True:
                return JsonValue.Create(1);
            case JsonValueKind.False:
                return JsonValue.Create(0);
            case JsonValueKind.String:
                var text = a.Text(0).Trim();
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? JsonValues.Number(parsed)
                    : throw a.Error($"Cannot convert '{Shorten(text)}' to a number");
            default:
                throw a.Error($"Cannot convert a {JsonValues.TypeName(value)} to a number");
        }
    }

    /// <summary>"true"/"false" in any case parse as booleans, because form fields and headers carry them as text;
    /// everything else follows truthiness.</summary>
    private static JsonNode? ToBool(CallArgs a)
    {
        if (JsonValues.IsString(a[0], out var s) && bool.TryParse(s.Trim(), out var parsed))
            return JsonValue.Create(parsed);
        return JsonValue.Create(JsonValues.IsTruthy(a[0]));
    }

    private static JsonNode? Round(CallArgs a)
    {
        var digits = a.Count > 1 ? a.Number(1) : 0;
        if (digits != decimal.Truncate(digits) || digits is < 0 or > 28)
            throw a.Error("round() expects a whole number of digits between 0 and 28");
        return JsonValues.Number(Math.Round(a.Number(0), (int)digits, MidpointRounding.AwayFromZero));
    }

    /// <summary>min(a, b, ...) or min(array); nulls are skipped so a missing value does not fail the step.</summary>
    private static JsonNode? Extreme(CallArgs a, bool pickLower)
    {
        IEnumerable<JsonNode?> values = a.Count == 1 && a[0] is JsonArray array ? array : a.Values;
        decimal? best = null;
        foreach (var value in values)
        {
            if (value is null) continue;
            if (!JsonValues.TryGetNumber(value, out var n))
                throw a.Error($"{a.Call.Function.Name}() expects numbers but got {JsonValues.TypeName(value)}");
            if (best is null || (pickLower ? n < best : n > best)) best = n;
        }

        return best is null ? null : JsonValues.Number(best.Value);
    }

    private static JsonNode? Sum(CallArgs a)
    {
        if (a[0] is null) return JsonValue.Create(0);
        if (a[0] is not JsonArray array) throw a.Error($"sum() expects an array but got {JsonValues.TypeName(a[0])}");
        var total = 0m;
        try
        {
            foreach (var value in array)
            {
                if (value is null) continue;
                total += JsonValues.TryGetNumber(value, out var n)
                    ? n
                    : throw a.Error($"sum() expects numbers but got {JsonValues.TypeName(value)}");
            }
        }
        catch (OverflowException)
        {
            throw a.Error("Numeric overflow");
        }

        return JsonValues.Number(total);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
