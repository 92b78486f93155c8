using System.Text;

namespace Chorus.Storage.Sqlite;

/// <summary>Rows of an append-only table collected during a group commit and written with multi-row INSERTs
/// just before the commit: one statement for many steps instead of one each. Nothing in the engine's
/// transaction reads these tables back, so writing them late changes no answer.</summary>
internal sealed class BufferedInserts(string table, params string[] columns)
{
    // SQLite allows 32,766 parameters per statement; 100 rows keeps far below that and the statement cache small.
    private const int RowsPerStatement = 100;
    private readonly List<object?[]> _rows = [];
    private readonly Dictionary<int, string> _sqlByRowCount = [];

    public int Count => _rows.Count;

    public void Add(params object?[] values) => _rows.Add(values);

    /// <summary>Forgets the rows added after a savepoint that was rolled back.</summary>
    public void Truncate(int count) => _rows.RemoveRange(count, _rows.Count - count);

    public void Flush(Func<string, PreparedWrite> prepared)
    {
        for (var start = 0; start < _rows.Count; start += RowsPerStatement)
        {
            var rows = Math.Min(RowsPerStatement, _rows.Count - start);
            var write = prepared(Sql(rows));
            for (var r = 0; r < rows; r++)
            {
                var values = _rows[start + r];
                for (var c = 0; c < columns.Length; c++)
                    write.Bind(r * columns.Length + c + 1, SqliteDialect.Value(values[c]));
            }
            write.Run();
        }
        _rows.Clear();
    }

    private string Sql(int rows)
    {
        if (_sqlByRowCount.TryGetValue(rows, out var sql))
            return sql;
        var text = new StringBuilder($"INSERT OR REPLACE INTO {table} ({string.Join(", ", columns)}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            text.AppendJoin(", ", Enumerable.Repeat("?", columns.Length));
            text.Append(')');
        }
        return _sqlByRowCount[rows] = text.ToString();
    }
}
