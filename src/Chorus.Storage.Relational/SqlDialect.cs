using System.Data.Common;

namespace Chorus.Storage.Relational;

/// <summary>What the SQL of the two stores differs in. The shared statements are written once with
/// <c>@name</c> parameters and the SQLite names of the tables; a dialect turns them into its own.</summary>
internal abstract class SqlDialect
{
    /// <summary>The schema the tables live in, with its dot ("workflow."), or "" for none.</summary>
    public abstract string Schema { get; }

    /// <summary>The name of a table in this store; PostgreSQL keeps the names of the schema it took over.</summary>
    public virtual string Table(string name) => Schema + name;

    /// <summary>The statement in this dialect: its parameter sigil.</summary>
    public virtual string Sql(string text) => text;

    /// <summary>A condition that a boolean column is false, as the store's partial indexes spell it (a query
    /// must repeat an index's condition word for word for SQLite to use it).</summary>
    public abstract string IsFalse(string column);

    public abstract string IsTrue(string column);

    /// <summary>Locks the rows read until the transaction ends; "" where one writer makes locks needless.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Locks the rows read, passing over those another transaction holds.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>The collation that orders text by its bytes, whatever the database's locale.</summary>
    public abstract string ByteOrder { get; }

    /// <summary>Orders step runs that started in the same instant of the store's clock by the order they were written
    /// ("rowid, " on SQLite, which keeps times to the millisecond: the pure steps of one commit often share one); empty
    /// where the store has no such column.</summary>
    public virtual string WrittenOrderFirst => "";

    /// <summary>A condition that <paramref name="column"/> is one of the ids of <paramref name="parameter"/>, a
    /// <c>Guid[]</c>: one statement whatever the number of ids, so a store prepares it once.</summary>
    public abstract string AnyId(string column, string parameter);

    /// <summary>A condition that the JSON <paramref name="column"/>, as text, matches the LIKE pattern of
    /// <paramref name="parameter"/> (escaped with a backslash), ignoring the case of ASCII letters.</summary>
    public abstract string JsonLike(string column, string parameter);

    /// <summary>A condition that <paramref name="column"/> holds the value of <paramref name="parameter"/>, both
    /// possibly null (null equals null).</summary>
    public abstract string SameValue(string column, string parameter);

    /// <summary>Tells the planner to read a table through <paramref name="index"/>, where the store takes such a
    /// hint (written after the table's name and alias); empty where the planner needs none.</summary>
    public virtual string IndexedBy(string index) => "";

    /// <summary>A condition that <paramref name="column"/> is one of the strings of <paramref name="parameter"/>, a
    /// <c>string[]</c>.</summary>
    public abstract string AnyText(string column, string parameter);

    /// <summary>A condition that the field of the JSON <c>data</c> column at the <see cref="Chorus.Engine.Storage.FieldPath"/>
    /// parameter <paramref name="path"/> holds a value of <paramref name="kind"/> (for <see cref="JsonKind.Null"/>: is
    /// null or missing).</summary>
    public abstract string FieldIs(JsonKind kind, string path);

    /// <summary>A comparison (=, &lt;, &lt;=, &gt;, &gt;=) of the field at <paramref name="path"/>, known to hold a value of
    /// <paramref name="kind"/>, with the <see cref="FieldValue"/> parameter <paramref name="value"/> of the same kind.
    /// Strings compare by their bytes.</summary>
    public abstract string FieldCompare(JsonKind kind, string op, string path, string value);

    /// <summary>A condition that the string field at <paramref name="path"/> contains the text <paramref name="value"/>.</summary>
    public abstract string FieldContains(string path, string value);

    /// <summary>ORDER BY keys for the field at <paramref name="path"/>: numbers, then strings (by bytes), then booleans
    /// (false first), then everything else; each key in <paramref name="direction"/>.</summary>
    public abstract string FieldOrder(string path, string direction);

    /// <summary>Serialises the writers that create collections for one tenant until the transaction ends; null where one
    /// writer makes it needless.</summary>
    public virtual string? LockTenantCollections(string tenantParameter) => null;

    /// <summary>A parameter of the statement, <paramref name="value"/> converted to what the column holds.</summary>
    public abstract DbParameter Parameter(string name, object? value);
}

/// <summary>A JSON value given as text: how a parameter tells the store that its string is JSON. <paramref name="Exact"/>
/// keeps the text as written (key order, spacing) where the store would otherwise normalise it.</summary>
internal readonly record struct JsonText(string? Text, bool Exact = false);

/// <summary>The JSON types a record condition compares within.</summary>
internal enum JsonKind
{
    Number,
    String,
    Boolean,
    Null,
}

/// <summary>A scalar JSON value as a parameter that a field of <see cref="Kind"/> is compared with.</summary>
internal readonly record struct FieldValue(JsonKind Kind, System.Text.Json.Nodes.JsonNode? Value);
