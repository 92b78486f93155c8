using System.Text;
using Chorus.Storage.Sqlite;
using SQLitePCL;

namespace Chorus.Benchmarks;

/// <summary>--stats on SQLite: traces the store's writer connection, where every write of the engine runs. The
/// statement trace counts each statement as it starts (sqlite3_trace), the update hook each row inserted, updated or
/// deleted in a table with rowids (the WITHOUT ROWID tables are not on the step path), and the connection's count of
/// pages written (SQLITE_DBSTATUS_CACHE_WRITE) gives the bytes appended to the -wal file: a frame is a page and a
/// 24-byte header.</summary>
internal sealed class SqliteStats : StoreStats
{
    private readonly sqlite3 _db;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _statements = [];
    private readonly Dictionary<(string Table, string Change), long> _rows = [];
    private readonly long _pageSize;

    private SqliteStats(sqlite3 db, long pageSize)
    {
        _db = db;
        _pageSize = pageSize;
    }

    public static SqliteStats Start(BenchStore bench)
    {
        var writer = ((SqliteStore)bench.Store).Writer;
        using var pageSize = writer.CreateCommand();
        pageSize.CommandText = "PRAGMA page_size";
        var stats = new SqliteStats(writer.Handle!, (long)pageSize.ExecuteScalar()!);
        raw.sqlite3_db_status(stats._db, raw.SQLITE_DBSTATUS_CACHE_WRITE, out _, out _, 1);
        raw.sqlite3_trace(stats._db, (strdelegate_trace)((_, sql) => stats.Count(stats._statements, KindOf(sql))), null);
        raw.sqlite3_update_hook(stats._db, (strdelegate_update)((_, change, _, table, _) => stats.Count(stats._rows, (table, ChangeName(change)))), null);
        return stats;
    }

    private static string ChangeName(int change) => change switch
    {
        raw.SQLITE_INSERT => "inserted",
        raw.SQLITE_UPDATE => "updated",
        raw.SQLITE_DELETE => "deleted",
        _ => change.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private void Count<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull
    {
        lock (_gate)
            counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    public override Task<string> StopAsync(int steps)
    {
        raw.sqlite3_trace(_db, (strdelegate_trace?)null, null);
        raw.sqlite3_update_hook(_db, (strdelegate_update?)null, null);
        raw.sqlite3_db_status(_db, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 0);
        var text = new StringBuilder();
        lock (_gate)
        {
            // BEGIN and COMMIT of the writer's transactions go through the trace too (Microsoft.Data.Sqlite sends them as SQL).
            Table(text, $"statements per step (SQLite writer connection, {_statements.Values.Sum() / (double)steps:0.00} in all)",
                _statements.OrderByDescending(s => s.Value).Select(s => (s.Key, new[] { PerStep(s.Value, steps) })), "per step");
            Table(text, "rows per step", _rows.OrderBy(r => r.Key.Table).ThenBy(r => r.Key.Change)
                .Select(r => ($"{r.Key.Table} {r.Key.Change}", new[] { PerStep(r.Value, steps) })), "per step");
        }
        Table(text, "write-ahead log per step", [
            ("pages written", [PerStep(pages, steps)]),
            ("bytes appended to -wal", [PerStep(pages * (_pageSize + 24), steps)]),
        ], "per step");
        return Task.FromResult(text.ToString());
    }
}
