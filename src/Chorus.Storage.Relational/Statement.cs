using System.Data.Common;

namespace Chorus.Storage.Relational;

/// <summary>A statement of the shared SQL and its parameter values, independent of the driver that runs it:
/// each store turns it into its own command (a cached SQLite command, a PostgreSQL batch statement).</summary>
internal sealed class Statement(string sql)
{
    private readonly List<(string Name, object? Value)> _parameters = [];

    public string Sql { get; } = sql;

    public Statement With(string name, object? value)
    {
        _parameters.Add((name, value));
        return this;
    }

    public void BindTo(DbParameterCollection parameters, SqlDialect dialect)
    {
        foreach (var (name, value) in _parameters)
            parameters.Add(dialect.Parameter(name, value));
    }

    public DbCommand ToCommand(DbConnection connection, SqlDialect dialect, DbTransaction? tx = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        cmd.Transaction = tx;
        BindTo(cmd.Parameters, dialect);
        return cmd;
    }
}
