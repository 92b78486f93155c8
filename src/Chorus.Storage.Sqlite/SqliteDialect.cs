using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
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

    /// <summary>SQLite has no arrays: the ids come as a JSON array of their text.</summary>
    public override string AnyId(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <summary>SQLite's LIKE ignores the case of ASCII letters already; the JSON is stored as text.</summary>
    public override string JsonLike(string column, string parameter) => $"{column} LIKE {parameter} ESCAPE '\\'";

    public override string IndexedBy(string index) => $"INDEXED BY {index}";

    public override DbParameter Parameter(string name, object? value) => new SqliteParameter(Sql(name), Value(value));

    public static object Value(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString(),
        Guid[] ids => "[" + string.Join(",", ids.Select(id => $"\"{id}\"")) + "]",
        TenantId t => t.Value,
        DateTimeOffset d => d.ToUnixTimeMilliseconds(),
        bool b => b ? 1 : 0,
        JsonNode n => n.ToJsonString(),
        JsonText j => (object?)j.Text ?? DBNull.Value,
        _ => value,
    };
}
