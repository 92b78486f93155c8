using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chorus.Server.Files;

/// <summary>The values of a table's cells as JSON. Text is typed by its look (type inference): a whole number without a
/// leading zero is an integer, one with a decimal point a decimal, <c>true</c>/<c>false</c> (any case) a boolean, empty
/// or blank text null; anything else, such as <c>007</c>, <c>1e5</c>, <c>1,5</c> or a date, stays text as written.</summary>
internal static partial class CellValues
{
    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,17})$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,27})\.[0-9]{1,27}$")]
    private static partial Regex Decimal();

    public static JsonNode? Infer(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var t = text.Trim();
        if (t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.Equals("false", StringComparison.OrdinalIgnoreCase))
            return JsonValue.Create(t.Length == 4);
        if (Integer().IsMatch(t) && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            return JsonValue.Create(whole);
        if (Decimal().IsMatch(t) && decimal.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction))
            return JsonValue.Create(fraction);
        return JsonValue.Create(text);
    }

    /// <summary>A workbook cell: numbers stay numbers (whole ones integers), booleans booleans, dates ISO 8601 text
    /// (the date alone at midnight); text is inferred like CSV text when <paramref name="infer"/>.</summary>
    public static JsonNode? FromCell(object? value, bool infer) => value switch
    {
        null or DBNull => null,
        string s => infer ? Infer(s) : JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d when Math.Abs(d) < 9_007_199_254_740_992 && d == Math.Floor(d) => JsonValue.Create((long)d),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        decimal m => JsonValue.Create(m),
        DateTime dt => JsonValue.Create(dt.TimeOfDay == TimeSpan.Zero
            ? dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
        TimeSpan span => JsonValue.Create(span.ToString("c", CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>A cell as a header: its text, trimmed.</summary>
    public static string HeaderText(object? value) => value switch
    {
        null or DBNull => "",
        string s => s.Trim(),
        _ => (FromCell(value, infer: false)?.ToString() ?? "").Trim(),
    };
}
