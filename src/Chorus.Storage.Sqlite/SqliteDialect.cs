using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>SQLite's side of the shared SQL: <c>$</c> parameters, no schema, and no row locks (one writer).
/// Values are kept in what SQLite has: ids as text, times as Unix milliseconds, booleans as 0 and 1.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static StoreSql Statements { get; } = new(new SqliteDialect());

    public override string Schema => "";

    public override string Sql(string text) => text.Replace('@', '$');

    public override string IsFalse(string column) => $"{column} = 0";

    public override string IsTrue(string column) => $"{column} = 1";

    public override string ForUpdate => "";

    public override string ForUpdateSkipLocked => "";

    public override string ByteOrder => "BINARY";

    public override string WrittenOrderFirst => "rowid, ";

    /// <summary>SQLite has no arrays: the ids come as a JSON array of their text.</summary>
    public override string AnyId(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <summary>SQLite's LIKE ignores the case of ASCII letters already; the JSON is stored as text.</summary>
    public override string SameValue(string column, string parameter) => $"{column} IS {parameter}";

    public override string JsonLike(string column, string parameter) => $"{column} LIKE {parameter} ESCAPE '\\'";

    public override string IndexedBy(string index) => $"INDEXED BY {index}";

    /// <summary>The strings come as a JSON array of them, as ids do.</summary>
    public override string AnyText(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    // json_type names integer and real apart, true and false apart; NULL when the path is missing.
    public override string FieldIs(JsonKind kind, string path) => kind switch
    {
        JsonKind.Number => $"json_type(data, {path}) IN ('integer', 'real')",
        JsonKind.String => $"json_type(data, {path}) = 'text'",
        JsonKind.Boolean => $"json_type(data, {path}) IN ('true', 'false')",
        _ => $"COALESCE(json_type(data, {path}), 'null') = 'null'",
    };

    /// <summary>json_extract gives numbers as numbers, strings as text (compared by bytes, BINARY), booleans as 1 and 0.</summary>
    public override string FieldCompare(JsonKind kind, string op, string path, string value) => $"json_extract(data, {path}) {op} {value}";

    public override string FieldContains(string path, string value) => $"instr(json_extract(data, {path}), {value}) > 0";

    public override string FieldOrder(string path, string direction) =>
        $"CASE json_type(data, {path}) WHEN 'integer' THEN 1 WHEN 'real' THEN 1 WHEN 'text' THEN 2 WHEN 'false' THEN 3 WHEN 'true' THEN 3 ELSE 4 END {direction}, " +
        $"json_extract(data, {path}) {direction}";

    public override DbParameter Parameter(string name, object? value) => new SqliteParameter(Sql(name), Value(value));

    public static object Value(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString(),
        Guid[] ids => "[" + string.Join(",", ids.Select(id => $"\"{id}\"")) + "]",
        string[] texts => System.Text.Json.JsonSerializer.Serialize(texts),
        // Quoted segments: the pattern of a field path leaves no quote to escape.
        FieldPath path => "$" + string.Concat(path.Segments.Select(s => $".\"{s}\"")),
        FieldValue v => FieldParameter(v),
        TenantId t => t.Value,
        DateTimeOffset d => d.ToUnixTimeMilliseconds(),
        bool b => b ? 1 : 0,
        JsonNode n => n.ToJsonString(),
        JsonText j => (object?)j.Text ?? DBNull.Value,
        _ => value,
    };

    private static object Number(string json) =>
        long.TryParse(json, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var whole)
            ? whole
            : double.Parse(json, System.Globalization.CultureInfo.InvariantCulture);

    private static object FieldParameter(FieldValue v) => v.Kind switch
    {
        // Through its JSON text: a JsonValue made from an int, a decimal or a parsed document converts alike.
        JsonKind.Number => Number(v.Value!.ToJsonString()),
        JsonKind.Boolean => v.Value!.GetValue<bool>() ? 1 : 0,
        JsonKind.String => v.Value!.GetValue<string>(),
        _ => DBNull.Value,
    };
}
