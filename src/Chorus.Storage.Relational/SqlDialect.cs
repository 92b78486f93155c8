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

    /// <summary>A condition that <paramref name="column"/> is one of the ids of <paramref name="parameter"/>, a
    /// <c>Guid[]</c>: one statement whatever the number of ids, so a store prepares it once.</summary>
    public abstract string AnyId(string column, string parameter);

    /// <summary>A condition that the JSON <paramref name="column"/>, as text, matches the LIKE pattern of
    /// <paramref name="parameter"/> (escaped with a backslash), ignoring the case of ASCII letters.</summary>
    public abstract string JsonLike(string column, string parameter);

    /// <summary>Tells the planner to read a table through <paramref name="index"/>, where the store takes such a
    /// hint (written after the table's name and alias); empty where the planner needs none.</summary>
    public virtual string IndexedBy(string index) => "";

    /// <summary>A parameter of the statement, <paramref name="value"/> converted to what the column holds.</summary>
    public abstract DbParameter Parameter(string name, object? value);
}

/// <summary>A JSON value given as text: how a parameter tells the store that its string is JSON. <paramref name="Exact"/>
/// keeps the text as written (key order, spacing) where the store would otherwise normalise it.</summary>
internal readonly record struct JsonText(string? Text, bool Exact = false);
