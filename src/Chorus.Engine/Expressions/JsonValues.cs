using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Engine.Expressions;

/// <summary>Semantics shared by the evaluator, the functions, templates and the schema validator, so that
/// "1 == 1.0" and "what is a string" mean the same thing everywhere.</summary>
internal static class JsonValues
{
    // Relaxed escaping: values written into texts (URLs, messages) should keep '<', '&' and non-ASCII readable.
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static bool IsNumber(JsonNode? node) => Kind(node) == JsonValueKind.Number;

    public static bool IsString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        value = "";
        return false;
    }

    /// <summary>Numbers come both from parsed JSON (backed by JsonElement) and from CLR values created in code, so
    /// try the representations JsonValue can hold. Numbers beyond decimal's range are not representable.</summary>
    public static bool TryGetNumber(JsonNode? node, out decimal value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return false;
        if (v.TryGetValue(out value)) return true;
        if (v.TryGetValue(out long l)) { value = l; return true; }
        if (v.TryGetValue(out int i)) { value = i; return true; }
        if (v.TryGetValue(out ulong ul)) { value = ul; return true; }
        if (v.TryGetValue(out double d)) return TryFromDouble(d, out value);
        if (v.TryGetValue(out float f)) return TryFromDouble(f, out value);
        if (v.TryGetValue(out short s)) { value = s; return true; }
        if (v.TryGetValue(out uint ui)) { value = ui; return true; }
        if (v.TryGetValue(out byte b)) { value = b; return true; }
        return decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    private static bool TryFromDouble(double d, out decimal value)
    {
        value = 0;
        if (double.IsNaN(d) || double.IsInfinity(d) || Math.Abs(d) > 7.9e28) return false;
        value = (decimal)d;
        return true;
    }

    /// <summary>Integral results become longs so that 2 * 1.5 prints as 3, not 3.0.</summary>
    public static JsonValue Number(decimal value)
    {
        if (value == decimal.Truncate(value) && value >= long.MinValue && value <= long.MaxValue)
            return JsonValue.Create((long)value);
        return JsonValue.Create(value / 1.0000000000000000000000000000m);
    }

    public static bool IsTruthy(JsonNode? value) => Kind(value) switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
        JsonValueKind.Number => !TryGetNumber(value, out var n) || n != 0,
        JsonValueKind.String => ((JsonValue)value!).GetValue<string>().Length > 0,
        JsonValueKind.Array => ((JsonArray)value!).Count > 0,
        _ => true,
    };

    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        var kindA = Kind(a);
        var kindB = Kind(b);
        if (kindA != kindB) return false;
        switch (kindA)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.True or JsonValueKind.False:
                return true;
            case JsonValueKind.Number:
                return TryGetNumber(a, out var x) && TryGetNumber(b, out var y)
                    ? x == y
                    : a!.ToJsonString() == b!.ToJsonString();
            case JsonValueKind.String:
                return a!.GetValue<string>() == b!.GetValue<string>();
            case JsonValueKind.Array:
                var arrayA = (JsonArray)a!;
                var arrayB = (JsonArray)b!;
                if (arrayA.Count != arrayB.Count) return false;
                for (var i = 0; i < arrayA.Count; i++)
                    if (!DeepEquals(arrayA[i], arrayB[i])) return false;
                return true;
            default:
                var objectA = (JsonObject)a!;
                var objectB = (JsonObject)b!;
                if (objectA.Count != objectB.Count) return false;
                foreach (var (key, valueA) in objectA)
                    if (!objectB.TryGetPropertyValue(key, out var valueB) || !DeepEquals(valueA, valueB)) return false;
                return true;
        }
    }

    /// <summary>Orders numbers with numbers and strings with strings (ordinal); anything else is unordered.</summary>
    public static int? Compare(JsonNode? a, JsonNode? b)
    {
        if (TryGetNumber(a, out var x) && TryGetNumber(b, out var y)) return x.CompareTo(y);
        if (IsString(a, out var s) && IsString(b, out var t)) return string.CompareOrdinal(s, t);
        return null;
    }

    /// <summary>The text form used by string(), '+' concatenation and template interpolation.</summary>
    public static string Stringify(JsonNode? value) => Kind(value) switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.String => value!.GetValue<string>(),
        JsonValueKind.Number => TryGetNumber(value, out var n) ? Number(n).ToJsonString() : value!.ToJsonString(),
        _ => value!.ToJsonString(CompactJson),
    };

    public static string TypeName(JsonNode? value) => Kind(value) switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    /// <summary>Values read from the context belong to it; a result handed out must be free to join another tree.</summary>
    public static JsonNode? Detach(JsonNode? value) => value?.Parent is null ? value : value.DeepClone();

    /// <summary>Makes a result that callers own, whose numbers read with any getter. Numbers computed here are
    /// CLR-backed (cheap while evaluating), and a long-backed JsonValue refuses GetValue&lt;int&gt;(); a
    /// JsonElement-backed one, as from parsed JSON, converts to every numeric type.</summary>
    public static JsonNode? Publish(JsonNode? value, JsonNode? root)
    {
        var owned = ReferenceEquals(value, root) ? value?.DeepClone() : Detach(value);
        return Portable(owned);
    }

    private static JsonNode? Portable(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && !v.TryGetValue<JsonElement>(out _):
                return JsonValue.Create(JsonElement.Parse(v.ToJsonString()));
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is JsonValue or JsonArray && Portable(array[i]) is var item && !ReferenceEquals(item, array[i]))
                        array[i] = item;
                return array;
            default:
                return value;
        }
    }

    public static string Describe(JsonNode? value) => value is null ? "null" : value.ToJsonString(CompactJson);
}
