using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>The writer connection's commands and writes, kept per SQL text so SQLite prepares each statement once
/// instead of on every step commit. Used only by the committer's single thread.</summary>
internal sealed class CommandCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PreparedWrite> _writes = new(StringComparer.Ordinal);

    public SqliteCommand Get(string sql, SqliteTransaction tx)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            _commands[sql] = cmd = connection.CreateCommand();
            cmd.CommandText = sql;
        }
        cmd.Transaction = tx;
        cmd.Parameters.Clear();
        return cmd;
    }

    public PreparedWrite Write(string sql)
    {
        if (!_writes.TryGetValue(sql, out var write))
            _writes[sql] = write = new PreparedWrite(connection.Handle!, sql);
        return write;
    }

    public void Dispose()
    {
        foreach (var cmd in _commands.Values)
            cmd.Dispose();
        _commands.Clear();
        foreach (var write in _writes.Values)
            write.Dispose();
        _writes.Clear();
    }
}
