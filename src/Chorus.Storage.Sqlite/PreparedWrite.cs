using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Chorus.Storage.Sqlite;

/// <summary>A write of the writer connection, prepared once and bound by position. Microsoft.Data.Sqlite binds each
/// parameter by looking its name up in the prepared statement at every execution, a scan of the statement's names
/// per parameter: for the multi-row inserts of a group commit (hundreds of parameters) that was the commit's largest
/// single cost. Here each name's position is looked up once. Used only by the committer's single thread.</summary>
internal sealed class PreparedWrite : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private readonly bool[] _bound;

    public PreparedWrite(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v2(db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        _bound = new bool[raw.sqlite3_bind_parameter_count(_statement) + 1];
    }

    /// <summary>The position of a named parameter (<c>$id</c>); 0 when the statement does not name it.</summary>
    public int Position(string name)
    {
        if (!_positions.TryGetValue(name, out var position))
            _positions[name] = position = raw.sqlite3_bind_parameter_index(_statement, name);
        return position;
    }

    /// <summary>Whether <see cref="Bind"/> takes the value (as converted by <see cref="SqliteDialect.Value"/>).</summary>
    public static bool Binds(object value) => value is DBNull or string or long or int or double or byte[];

    public void Bind(int position, object value)
    {
        var rc = value switch
        {
            DBNull => raw.sqlite3_bind_null(_statement, position),
            string text => raw.sqlite3_bind_text(_statement, position, text),
            long number => raw.sqlite3_bind_int64(_statement, position, number),
            int number => raw.sqlite3_bind_int64(_statement, position, number),
            double number => raw.sqlite3_bind_double(_statement, position, number),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, position, bytes),
            _ => throw new ArgumentException($"A {value.GetType().Name} cannot be bound here.", nameof(value)),
        };
        SqliteException.ThrowExceptionForRC(rc, _db);
        _bound[position] = true;
    }

    /// <summary>Runs the statement with the values bound and clears them. Returns the rows it changed and the first
    /// column of its first row (a <c>RETURNING</c> id), if it returned one.</summary>
    public (int Changes, long? First) Run()
    {
        try
        {
            // As Microsoft.Data.Sqlite does: a parameter left out is an error, not a silent NULL.
            if (Array.IndexOf(_bound, false, 1) is var missing and > 0)
                throw new InvalidOperationException($"Must add a value for parameter {raw.sqlite3_bind_parameter_name(_statement, missing).utf8_to_string()}.");
            long? first = null;
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
                first = raw.sqlite3_column_int64(_statement, 0);
            while (rc == raw.SQLITE_ROW)
                rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
            // Transaction control (SAVEPOINT, RELEASE) changes no row; sqlite3_changes would repeat the last write's count.
            return (raw.sqlite3_stmt_readonly(_statement) != 0 ? 0 : raw.sqlite3_changes(_db), first);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
            Array.Clear(_bound);
        }
    }

    public void Dispose() => _statement.Dispose();
}
