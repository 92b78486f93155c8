using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;

namespace Chorus.Storage.Relational;

/// <summary>A statement of the shared SQL and its parameter values, independent of the driver that runs it:
/// each store turns it into its own command (a cached SQLite command, a PostgreSQL batch statement).</summary>
internal sealed partial class Statement(string sql)
{
    private readonly List<(string Name, object? Value)> _parameters = [];

    public string Sql { get; } = sql;

    public IReadOnlyList<(string Name, object? Value)> Parameters => _parameters;

    public Statement With(string name, object? value)
    {
        _parameters.Add((name, value));
        return this;
    }

    /// <summary>Binds the parameters the SQL names and leaves out the others: one row's binder (an execution's
    /// columns) serves statements that use a part of them, and a value left out is neither converted (an input's
    /// JSON written out at every step's update) nor looked up by name in the prepared statement.</summary>
    public void BindTo(DbParameterCollection parameters, SqlDialect dialect)
    {
        if (_parameters.Count == 0)
            return;
        var named = NamesIn(Sql);
        foreach (var (name, value) in _parameters)
            if (named.Contains(name[1..]))
                parameters.Add(dialect.Parameter(name, value));
    }

    // A store has a few hundred statement texts, each parsed once. The names are taken without their sigil (@ in the
    // shared SQL, $ in SQLite's); a '$' of a JSON path may add a name that no parameter has, which is
    // harmless: a name in this set only lets a parameter of that name through.
    private static readonly ConcurrentDictionary<string, HashSet<string>> Names = new(StringComparer.Ordinal);

    // Past this many texts (some statement built with its values written in), a text is parsed each time instead.
    private const int MaxCachedTexts = 4096;

    private static HashSet<string> NamesIn(string sql)
    {
        if (Names.TryGetValue(sql, out var names))
            return names;
        names = ParameterName().Matches(sql).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        if (Names.Count < MaxCachedTexts)
            Names.TryAdd(sql, names);
        return names;
    }

    [GeneratedRegex(@"[@$](\w+)")]
    private static partial Regex ParameterName();

    public DbCommand ToCommand(DbConnection connection, SqlDialect dialect, DbTransaction? tx = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        cmd.Transaction = tx;
        BindTo(cmd.Parameters, dialect);
        return cmd;
    }
}
