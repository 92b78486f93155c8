using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Server.Collections;

/// <summary>Reads <c>{filter, order_by, order, limit, offset, cursor}</c>, as a fetchData step's config and the records
/// API take it, into a <see cref="RecordQuery"/>. A filter maps field paths to a value (equality) or to operators:
/// <c>{"status": "paid", "total": {"gte": 100}, "country": {"in": ["FR", "DE"]}}</c>.</summary>
internal static class RecordQueryJson
{
    public const int MaxLimit = 1_000;
    public const int DefaultLimit = 100;
    public const int MaxConditions = 20;
    public const int MaxInValues = 100;
    public const int MaxOffset = 1_000_000;

    public static readonly string[] Fields = ["filter", "order_by", "order", "limit", "offset", "cursor"];

    private static readonly Dictionary<string, RecordOperator> Operators = new(StringComparer.Ordinal)
    {
        ["eq"] = RecordOperator.Eq, ["ne"] = RecordOperator.Ne, ["gt"] = RecordOperator.Gt, ["gte"] = RecordOperator.Gte,
        ["lt"] = RecordOperator.Lt, ["lte"] = RecordOperator.Lte, ["contains"] = RecordOperator.Contains, ["in"] = RecordOperator.In,
        ["exists"] = RecordOperator.Exists,
    };

    /// <summary>The query, or the problems with it as (field, message). With <paramref name="placeholdersAllowed"/> (a
    /// definition being saved) a value that is a "{{ }}" placeholder passes: it is checked once filled in.</summary>
    public static (RecordQuery? Query, List<(string Field, string Message)> Problems) Read(JsonObject source, string prefix, bool placeholdersAllowed)
    {
        var problems = new List<(string, string)>();
        var conditions = new List<RecordCondition>();
        if (source["filter"] is { } filterNode && !Skip(filterNode, placeholdersAllowed))
        {
            if (filterNode is not JsonObject filter)
                problems.Add(($"{prefix}filter", "Must be an object of field to value, or of field to operators, e.g. {\"total\": {\"gte\": 100}}."));
            else
                foreach (var (field, value) in filter)
                    ReadField(field, value, $"{prefix}filter.{field}", placeholdersAllowed, conditions, problems);
        }
        if (conditions.Count > MaxConditions)
            problems.Add(($"{prefix}filter", $"At most {MaxConditions} conditions; the filter has {conditions.Count}."));

        FieldPath? orderBy = null;
        if (source["order_by"] is { } orderNode && !Skip(orderNode, placeholdersAllowed))
        {
            orderBy = FieldPath.TryParse(Text(orderNode));
            if (orderBy is null)
                problems.Add(($"{prefix}order_by", PathRule));
        }
        var descending = false;
        if (source["order"] is { } directionNode && !Skip(directionNode, placeholdersAllowed))
        {
            descending = Text(directionNode) == "desc";
            if (Text(directionNode) is not ("asc" or "desc"))
                problems.Add(($"{prefix}order", "Must be \"asc\" or \"desc\"."));
        }
        var limit = Whole(source, "limit", prefix, 1, MaxLimit, placeholdersAllowed, problems) ?? DefaultLimit;
        var offset = Whole(source, "offset", prefix, 0, MaxOffset, placeholdersAllowed, problems);
        if (source["cursor"] is { } cursorNode && !Skip(cursorNode, placeholdersAllowed) && cursorNode.GetValueKind() != JsonValueKind.Null)
        {
            if (offset is not null)
                problems.Add(($"{prefix}cursor", "Give a cursor or an offset, not both."));
            else if (OffsetOf(Text(cursorNode)) is { } fromCursor)
                offset = fromCursor;
            else
                problems.Add(($"{prefix}cursor", "Not a cursor this server gave (pass next_cursor from an earlier page as it is)."));
        }
        if (problems.Count > 0)
            return (null, problems);
        return (new RecordQuery { Conditions = conditions, OrderBy = orderBy, Descending = descending, Limit = limit, Offset = offset ?? 0 }, problems);
    }

    public const string PathRule = "Must be a field name, or a dotted path to a nested field such as \"address.city\": " +
        "1 to 8 parts of letters, digits, '_' and '-'.";

    private static void ReadField(string field, JsonNode? value, string at, bool placeholdersAllowed, List<RecordCondition> conditions,
        List<(string, string)> problems)
    {
        if (FieldPath.TryParse(field) is not { } path)
        {
            problems.Add((at, PathRule));
            return;
        }
        if (value is not JsonObject operators)
        {
            if (!Skip(value, placeholdersAllowed))
                Check(path, RecordOperator.Eq, value, at, conditions, problems);
            return;
        }
        if (operators.Count == 0)
            problems.Add((at, "Name at least one operator: " + string.Join(", ", Operators.Keys) + "."));
        foreach (var (name, operand) in operators)
        {
            if (!Operators.TryGetValue(name, out var op))
                problems.Add(($"{at}.{name}", "Unknown operator; use " + string.Join(", ", Operators.Keys) + "."));
            else if (!Skip(operand, placeholdersAllowed))
                Check(path, op, operand, $"{at}.{name}", conditions, problems);
        }
    }

    private static void Check(FieldPath path, RecordOperator op, JsonNode? value, string at, List<RecordCondition> conditions, List<(string, string)> problems)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        var problem = op switch
        {
            RecordOperator.Eq or RecordOperator.Ne when !IsScalar(kind) => "Must be a string, number, boolean or null.",
            RecordOperator.Gt or RecordOperator.Gte or RecordOperator.Lt or RecordOperator.Lte
                when kind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) =>
                "Must be a string, number or boolean.",
            RecordOperator.Contains when kind != JsonValueKind.String || value!.GetValue<string>().Length == 0 => "Must be a non-empty string.",
            RecordOperator.Exists when kind is not (JsonValueKind.True or JsonValueKind.False) => "Must be true or false.",
            RecordOperator.In when value is not JsonArray list || list.Count > MaxInValues || list.Any(i => !IsScalar(i?.GetValueKind() ?? JsonValueKind.Null)) =>
                $"Must be a list of at most {MaxInValues} strings, numbers, booleans or nulls.",
            _ => null,
        };
        if (problem is not null)
            problems.Add((at, problem));
        else
            conditions.Add(new RecordCondition(path, op, value?.DeepClone()));
    }

    private static bool IsScalar(JsonValueKind kind) => kind is not (JsonValueKind.Object or JsonValueKind.Array);

    private static int? Whole(JsonObject source, string name, string prefix, int min, int max, bool placeholdersAllowed, List<(string, string)> problems)
    {
        if (source[name] is not { } node || Skip(node, placeholdersAllowed) || node.GetValueKind() == JsonValueKind.Null)
            return null;
        // A query string gives numbers as text.
        var number = node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var n) ? n
            : node.GetValueKind() == JsonValueKind.String && int.TryParse(node.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t
            : (int?)null;
        if (number is { } value && value >= min && value <= max)
            return value;
        problems.Add(($"{prefix}{name}", $"Must be a whole number from {min} to {max:N0}."));
        return null;
    }

    /// <summary>Whether the value is left for later: a placeholder in a definition being saved.</summary>
    private static bool Skip(JsonNode? node, bool placeholdersAllowed) =>
        placeholdersAllowed && node is JsonValue v && v.TryGetValue<string>(out var text) && text.Contains("{{", StringComparison.Ordinal);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The cursor of the page that starts at <paramref name="offset"/>: opaque to callers, so that paging may
    /// change how it marks its place without breaking them.</summary>
    public static string CursorFor(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"o:{offset.ToString(CultureInfo.InvariantCulture)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int? OffsetOf(string? cursor)
    {
        if (cursor is null || cursor.Length > 32)
            return null;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.StartsWith("o:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= MaxOffset ? offset : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The answer to a query: <c>{records: [{id, data, created_at, updated_at}], count, total, next_cursor}</c>.</summary>
    public static JsonObject Answer(RecordQuery query, RecordPage page)
    {
        var next = query.Offset + page.Records.Count;
        return new JsonObject
        {
            ["records"] = new JsonArray(page.Records.Select(r => (JsonNode?)new JsonObject
            {
                ["id"] = r.Id,
                ["data"] = r.Data.DeepClone(),
                ["created_at"] = Api.Representations.Iso(r.CreatedAt),
                ["updated_at"] = Api.Representations.Iso(r.UpdatedAt),
            }).ToArray()),
            ["count"] = page.Records.Count,
            ["total"] = page.Total,
            ["next_cursor"] = page.Records.Count > 0 && next < page.Total && next <= MaxOffset ? CursorFor(next) : null,
        };
    }
}
