using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The collections and collection_records tables. Record queries are built from the conditions' shape only:
/// field paths and values are always parameters, and the operators come from a closed list.</summary>
internal sealed class CollectionRows(SqlDialect d)
{
    private readonly string _collections = d.Table("collections");
    private readonly string _records = d.Table("collection_records");

    public Statement Collection(TenantId tenant, string name, bool forUpdate = false) =>
        new Statement(d.Sql($"SELECT * FROM {_collections} WHERE tenant_id = @tenant AND name = @name{(forUpdate ? d.ForUpdate : "")}"))
            .With("@tenant", tenant).With("@name", name);

    public Statement OfTenant(TenantId tenant) =>
        new Statement(d.Sql($"SELECT * FROM {_collections} WHERE tenant_id = @tenant ORDER BY name")).With("@tenant", tenant);

    public Statement CountOfTenant(TenantId tenant) =>
        new Statement(d.Sql($"SELECT COUNT(*) FROM {_collections} WHERE tenant_id = @tenant")).With("@tenant", tenant);

    public Statement? LockTenant(TenantId tenant) =>
        d.LockTenantCollections("@tenant") is { } sql ? new Statement(d.Sql(sql)).With("@tenant", tenant) : null;

    public Statement Create(TenantId tenant, string name, string? keyField, DateTimeOffset now) =>
        new Statement(d.Sql($"INSERT INTO {_collections} (tenant_id, name, key_field, record_count, created_at, updated_at) " +
            "VALUES (@tenant, @name, @key, 0, @now, @now)"))
            .With("@tenant", tenant).With("@name", name).With("@key", keyField).With("@now", now);

    public Statement AddCount(TenantId tenant, string name, long added, DateTimeOffset now) =>
        new Statement(d.Sql($"UPDATE {_collections} SET record_count = record_count + @added, updated_at = @now WHERE tenant_id = @tenant AND name = @name"))
            .With("@tenant", tenant).With("@name", name).With("@added", added).With("@now", now);

    public Statement Delete(TenantId tenant, string name) =>
        new Statement(d.Sql($"DELETE FROM {_collections} WHERE tenant_id = @tenant AND name = @name")).With("@tenant", tenant).With("@name", name);

    public Statement DeleteRecords(TenantId tenant, string name) =>
        new Statement(d.Sql($"DELETE FROM {_records} WHERE tenant_id = @tenant AND collection = @name")).With("@tenant", tenant).With("@name", name);

    public Statement ExistingIds(TenantId tenant, string name, string[] ids) =>
        new Statement(d.Sql($"SELECT id FROM {_records} WHERE tenant_id = @tenant AND collection = @name AND {d.AnyText("id", "@ids")}"))
            .With("@tenant", tenant).With("@name", name).With("@ids", ids);

    private readonly string _upsert = d.Sql($"INSERT INTO {d.Table("collection_records")} (tenant_id, collection, id, data, created_at, updated_at) " +
        "VALUES (@tenant, @name, @id, @data, @now, @now) ON CONFLICT (tenant_id, collection, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at");

    public Statement Upsert(TenantId tenant, string name, RecordWrite record, DateTimeOffset now) => new Statement(_upsert)
        .With("@tenant", tenant).With("@name", name).With("@id", record.Id).With("@data", record.Data).With("@now", now);

    /// <summary>The count of the matching records and one page of them.</summary>
    public (Statement Count, Statement Page) Query(TenantId tenant, string name, RecordQuery query)
    {
        var where = new StringBuilder("tenant_id = @tenant AND collection = @name");
        var parameters = new List<(string, object?)>();
        for (var i = 0; i < query.Conditions.Count; i++)
            where.Append(" AND ").Append(Condition(query.Conditions[i], $"@f{i}", $"@v{i}", parameters));
        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.OrderBy is { } field ? $"{d.FieldOrder("@order", direction)}, seq {direction}" : $"seq {direction}";
        var count = new Statement(d.Sql($"SELECT COUNT(*) FROM {_records} WHERE {where}"));
        var page = new Statement(d.Sql($"SELECT id, data, created_at, updated_at FROM {_records} WHERE {where} ORDER BY {order} LIMIT @limit OFFSET @offset"));
        foreach (var statement in new[] { count, page })
        {
            statement.With("@tenant", tenant).With("@name", name);
            foreach (var (p, value) in parameters)
                statement.With(p, value);
        }
        if (query.OrderBy is { } orderBy)
            page.With("@order", orderBy);
        page.With("@limit", query.Limit).With("@offset", query.Offset);
        return (count, page);
    }

    private string Condition(RecordCondition c, string path, string value, List<(string, object?)> parameters)
    {
        parameters.Add((path, c.Field));
        switch (c.Operator)
        {
            case RecordOperator.Exists:
                var missing = d.FieldIs(JsonKind.Null, path);
                return c.Value is JsonValue v && v.GetValueKind() == JsonValueKind.False ? missing : $"NOT ({missing})";
            case RecordOperator.Contains:
                parameters.Add((value, new FieldValue(JsonKind.String, c.Value)));
                return $"({d.FieldIs(JsonKind.String, path)} AND {d.FieldContains(path, value)})";
            case RecordOperator.In:
                var items = c.Value as JsonArray ?? [];
                if (items.Count == 0)
                    return "1 = 0";
                return "(" + string.Join(" OR ", items.Select((item, j) => Equal(item, path, $"{value}_{j}", parameters))) + ")";
            case RecordOperator.Eq:
                return Equal(c.Value, path, value, parameters);
            case RecordOperator.Ne:
                // Three-valued logic would drop records without the field; "not equal" keeps them.
                return $"NOT COALESCE({Equal(c.Value, path, value, parameters)}, 1 = 0)";
            default:
                var kind = KindOf(c.Value);
                parameters.Add((value, new FieldValue(kind, c.Value)));
                var op = c.Operator switch { RecordOperator.Gt => ">", RecordOperator.Gte => ">=", RecordOperator.Lt => "<", _ => "<=" };
                return $"({d.FieldIs(kind, path)} AND {d.FieldCompare(kind, op, path, value)})";
        }
    }

    private string Equal(JsonNode? value, string path, string parameter, List<(string, object?)> parameters)
    {
        var kind = KindOf(value);
        if (kind == JsonKind.Null)
            return $"({d.FieldIs(JsonKind.Null, path)})";
        parameters.Add((parameter, new FieldValue(kind, value)));
        return $"({d.FieldIs(kind, path)} AND {d.FieldCompare(kind, "=", path, parameter)})";
    }

    private static JsonKind KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Number => JsonKind.Number,
        JsonValueKind.String => JsonKind.String,
        JsonValueKind.True or JsonValueKind.False => JsonKind.Boolean,
        null or JsonValueKind.Null => JsonKind.Null,
        var other => throw new ArgumentException($"A record condition compares with a string, number, boolean or null, not {other}."),
    };

    public static CollectionInfo MapCollection(DbDataReader r) => new()
    {
        Name = r.Text("name")!,
        KeyField = r.Text("key_field"),
        RecordCount = r.Long("record_count"),
        CreatedAt = r.Time("created_at"),
        UpdatedAt = r.Time("updated_at"),
    };

    public static CollectionRecord MapRecord(DbDataReader r) => new()
    {
        Id = r.Text("id")!,
        Data = r.Json("data") as JsonObject ?? new JsonObject(),
        CreatedAt = r.Time("created_at"),
        UpdatedAt = r.Time("updated_at"),
    };
}
