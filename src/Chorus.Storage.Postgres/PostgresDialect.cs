using System.Data.Common;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;
using NpgsqlTypes;

namespace Chorus.Storage.Postgres;

/// <summary>PostgreSQL's side of the shared SQL: the <c>workflow</c> schema with the table names it took over,
/// row locks (several nodes write at once), and typed parameters.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    private static readonly Dictionary<string, string> TakenOverNames = new(StringComparer.Ordinal)
    {
        ["executions"] = "instances",
        ["workflows"] = "templates",
        ["workflow_versions"] = "template_versions",
        ["step_runs"] = "steps",
    };

    // After the table names: a static initialiser runs in the order of the declarations.
    public static StoreSql Statements { get; } = new(new PostgresDialect());

    public override string Schema => "workflow.";

    public override string Table(string name) => Schema + TakenOverNames.GetValueOrDefault(name, name);

    public override string IsFalse(string column) => $"NOT {column}";

    public override string IsTrue(string column) => column;

    public override string ForUpdate => " FOR UPDATE";

    public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

    public override string ByteOrder => "\"C\"";

    public override string SameValue(string column, string parameter) => $"{column} IS NOT DISTINCT FROM {parameter}";

    public override string JsonLike(string column, string parameter) => $"{column}::text ILIKE {parameter} ESCAPE '\\'";

    public override string AnyId(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string AnyText(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string FieldIs(JsonKind kind, string path) => kind switch
    {
        JsonKind.Number => $"jsonb_typeof(data #> {path}) = 'number'",
        JsonKind.String => $"jsonb_typeof(data #> {path}) = 'string'",
        JsonKind.Boolean => $"jsonb_typeof(data #> {path}) = 'boolean'",
        _ => $"COALESCE(jsonb_typeof(data #> {path}), 'null') = 'null'",
    };

    /// <summary>Numbers and booleans compare as jsonb (numerically, false before true); strings as text in byte order,
    /// as SQLite's do, whatever the database's locale.</summary>
    public override string FieldCompare(JsonKind kind, string op, string path, string value) => kind == JsonKind.String
        ? $"(data #>> {path}) COLLATE \"C\" {op} {value}"
        : $"data #> {path} {op} {value}";

    public override string FieldContains(string path, string value) => $"strpos(data #>> {path}, {value}) > 0";

    public override string FieldOrder(string path, string direction) =>
        $"CASE jsonb_typeof(data #> {path}) WHEN 'number' THEN 1 WHEN 'string' THEN 2 WHEN 'boolean' THEN 3 ELSE 4 END {direction}, " +
        $"CASE WHEN jsonb_typeof(data #> {path}) IN ('number', 'boolean') THEN data #> {path} END {direction}, " +
        $"CASE WHEN jsonb_typeof(data #> {path}) = 'string' THEN data #>> {path} END COLLATE \"C\" {direction}";

    /// <summary>A transaction-scoped advisory lock per tenant: two first writes to new collections cannot both pass the
    /// cap on collections.</summary>
    public override string? LockTenantCollections(string tenantParameter) =>
        $"SELECT pg_advisory_xact_lock(hashtext('chorus.collections:' || {tenantParameter}))";

    public override DbParameter Parameter(string name, object? value) => value switch
    {
        // An untyped null lets the server infer the type from the column it is written to.
        null => new NpgsqlParameter(name, DBNull.Value),
        TenantId t => new NpgsqlParameter<string>(name, t.Value),
        // timestamptz takes only UTC offsets; the instant is what is stored.
        DateTimeOffset d => new NpgsqlParameter<DateTimeOffset>(name, d.ToUniversalTime()),
        JsonNode n => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = n.ToJsonString() },
        // json keeps the text as written, jsonb normalises it.
        JsonText j => new NpgsqlParameter(name, j.Exact ? NpgsqlDbType.Json : NpgsqlDbType.Jsonb) { Value = (object?)j.Text ?? DBNull.Value },
        string[] texts => new NpgsqlParameter<string[]>(name, texts),
        FieldPath path => new NpgsqlParameter<string[]>(name, [.. path.Segments]),
        FieldValue { Kind: JsonKind.String } v => new NpgsqlParameter<string>(name, v.Value!.GetValue<string>()),
        FieldValue v => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = v.Value?.ToJsonString() ?? "null" },
        _ => new NpgsqlParameter(name, value),
    };

    /// <summary>The statement as one of a batch, for the <see cref="Pipeline"/>.</summary>
    public static NpgsqlBatchCommand Batch(Statement statement)
    {
        var batch = new NpgsqlBatchCommand(statement.Sql);
        statement.BindTo(batch.Parameters, Statements.Dialect);
        return batch;
    }
}
