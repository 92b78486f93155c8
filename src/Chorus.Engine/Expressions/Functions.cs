using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

internal readonly record struct CallArgs(EvalContext Context, JsonNode?[] Values, CallNode Call)
{
    public int Position => Call.Start;
    public int Count => Values.Length;
    public JsonNode? this[int index] => Values[index];

    public ExpressionException Error(string what) => new($"{what} at position {Position}", Position);

    public string Text(int index) => EvalContext.CheckLength(JsonValues.Stringify(Values[index]), Position);

    public decimal Number(int index) => JsonValues.TryGetNumber(Values[index], out var n)
        ? n
        : throw Error($"{Call.Function.Name}() expects a number but got {JsonValues.TypeName(Values[index])}");
}

internal sealed record FunctionDef(string Name, int MinArgs, int MaxArgs, Func<CallArgs, JsonNode?> Body)
{
    public string Arity => MinArgs == MaxArgs
        ? $"{MinArgs} argument{(MinArgs == 1 ? "" : "s")}"
        : MaxArgs == int.MaxValue ? $"at least {MinArgs} argument{(MinArgs == 1 ? "" : "s")}" : $"{MinArgs} to {MaxArgs} arguments";
}

/// <summary>The allow-list: a name not in it is rejected when parsing. Names are case-sensitive.</summary>
internal static partial class Functions
{
    private const int Variadic = int.MaxValue;

    private static readonly FrozenDictionary<string, FunctionDef> All = new FunctionDef[]
    {
        new("length", 1, 1, Length),
        new("lower", 1, 1, a => MapText(a, s => s.ToLowerInvariant())),
        new("upper", 1, 1, a => MapText(a, s => s.ToUpperInvariant())),
        new("trim", 1, 1, a => MapText(a, s => s.Trim())),
        new("contains", 2, 2, a => JsonValue.Create(BinaryNode.Contains(a[0], a[1]))),
        new("startsWith", 2, 2, a => JsonValue.Create(a[0] is not null && a.Text(0).StartsWith(a.Text(1), StringComparison.Ordinal))),
        new("endsWith", 2, 2, a => JsonValue.Create(a[0] is not null && a.Text(0).EndsWith(a.Text(1), StringComparison.Ordinal))),
        new("coalesce", 1, Variadic, a => a.Values.FirstOrDefault(v => v is not null)),
        new("now", 0, 0, a => JsonValue.Create(a.Context.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))),
        new("string", 1, 1, a => JsonValue.Create(a.Text(0))),
        new("number", 1, 1, ToNumber),
        new("bool", 1, 1, ToBool),
        new("not", 1, 1, a => JsonValue.Create(!JsonValues.IsTruthy(a[0]))),
        new("keys", 1, 1, Keys),
        new("join", 1, 2, Join),
        new("split", 2, 2, Split),
        new("round", 1, 2, Round),
        new("abs", 1, 1, a => JsonValues.Number(Math.Abs(a.Number(0)))),
        new("min", 1, Variadic, a => Extreme(a, pickLower: true)),
        new("max", 1, Variadic, a => Extreme(a, pickLower: false)),
        new("sum", 1, 1, Sum),
        new("isEmpty", 1, 1, IsEmpty),
        new("matches", 2, 2, Matches),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    public static FunctionDef? Find(string name) => All.GetValueOrDefault(name);

    public static IEnumerable<string> Names => All.Keys;

    // A missing value stays missing through string functions, so lower($.absent) is null rather than "".
    private static JsonNode? MapText(CallArgs a, Func<string, string> map) =>
        a[0] is null ? null : JsonValue.Create(EvalContext.CheckLength(map(a.Text(0)), a.Position));

    private static JsonNode? Length(CallArgs a) => a[0] switch
    {
        null => JsonValue.Create(0),
        JsonArray array => JsonValue.Create(array.Count),
        JsonObject obj => JsonValue.Create(obj.Count),
        _ when JsonValues.IsString(a[0], out var s) => JsonValue.Create(CodePoints(s)),
        _ => throw a.Error($"length() expects a string, array or object but got {JsonValues.TypeName(a[0])}"),
    };

    /// <summary>Counts Unicode code points, so an emoji is one character, as users count them.</summary>
    public static int CodePoints(string s)
    {
        var count = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            count++;
        }

        return count;
    }

    private static JsonNode? Keys(CallArgs a) => a[0] switch
    {
        null => new JsonArray(),
        JsonObject obj => new JsonArray(obj.Select(p => (JsonNode?)JsonValue.Create(p.Key)).ToArray()),
        _ => throw a.Error($"keys() expects an object but got {JsonValues.TypeName(a[0])}"),
    };

    private static JsonNode? Join(CallArgs a)
    {
        if (a[0] is not JsonArray array)
            throw a.Error($"join() expects an array but got {JsonValues.TypeName(a[0])}");
        var separator = a.Count > 1 ? a.Text(1) : ",";
        return JsonValue.Create(EvalContext.CheckLength(string.Join(separator, array.Select(JsonValues.Stringify)), a.Position));
    }

    private static JsonNode? Split(CallArgs a)
    {
        if (a[0] is null) return new JsonArray();
        var text = a.Text(0);
        var separator = a.Text(1);
        // An empty separator splits into characters, which is the only way to iterate a string's letters.
        // Splitting at most one part past the limit bounds the allocation before the count is checked.
        var parts = separator.Length == 0
            ? text.Take(EvalContext.MaxArrayLength + 1).Select(c => c.ToString()).ToArray()
            : text.Split(separator, EvalContext.MaxArrayLength + 1, StringSplitOptions.None);
        EvalContext.CheckCount(parts.Length, a.Position);
        return new JsonArray(parts.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
    }

    private static JsonNode? IsEmpty(CallArgs a) => JsonValue.Create(a[0] switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        _ => JsonValues.Kind(a[0]) == JsonValueKind.String && a.Text(0).Length == 0,
    });

    private static JsonNode? Matches(CallArgs a)
    {
        if (a[0] is null) return JsonValue.Create(false);
        try
        {
            var regex = a.Call.Prepared as System.Text.RegularExpressions.Regex ?? SafeRegex.Get(a.Text(1));
            return JsonValue.Create(regex.IsMatch(a.Text(0)));
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            throw a.Error("matches() timed out");
        }
        catch (ArgumentException e)
        {
            throw a.Error($"Invalid regular expression ({e.Message})");
        }
    }
}
