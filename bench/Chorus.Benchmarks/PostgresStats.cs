using System.Globalization;
using System.Text;
using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Benchmarks;

/// <summary>--stats on PostgreSQL: pg_stat_statements of the bench's database (BenchStore turns its tracking on for
/// that database alone), the table counters of pg_stat_user_tables, the transactions of pg_stat_database, and the
/// WAL written (pg_current_wal_lsn before and after: the whole server's, so run it on a server nothing else uses).</summary>
internal sealed class PostgresStats : StoreStats
{
    private readonly BenchStore _bench;
    private readonly string _walStart;
    private readonly Dictionary<string, long[]> _tablesStart;
    private readonly long _commitsStart;

    private PostgresStats(BenchStore bench, string walStart, Dictionary<string, long[]> tablesStart, long commitsStart)
    {
        _bench = bench;
        _walStart = walStart;
        _tablesStart = tablesStart;
        _commitsStart = commitsStart;
    }

    private const string TableCounters =
        "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables";

    public static async Task<StoreStats> StartTrackingAsync(BenchStore bench)
    {
        await using var admin = await OpenAsync(bench.AdminUrl);
        await Scalar(admin, $"SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = '{bench.Database}'), 0)");
        await using var own = await OpenAsync(bench.Url);
        var tables = await TablesAsync(own);
        var commits = (long)(await Scalar(own, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"))!;
        var wal = (string)(await Scalar(admin, "SELECT pg_current_wal_lsn()::text"))!;
        return new PostgresStats(bench, wal, tables, commits);
    }

    public override async Task<string> StopAsync(int steps)
    {
        await using var admin = await OpenAsync(_bench.AdminUrl);
        var walBytes = Convert.ToDouble(await Scalar(admin, $"SELECT pg_current_wal_lsn() - '{_walStart}'::pg_lsn"), CultureInfo.InvariantCulture);
        var statements = new List<(string Query, long Calls, long Rows, double Ms, long Wal)>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT query, calls, rows, total_exec_time, wal_bytes::bigint FROM pg_stat_statements " +
            $"WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '{_bench.Database}') ORDER BY calls DESC", admin))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                statements.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4)));
        // Backends report their table counters when a transaction ends, but no oftener than a second apart, and an
        // idle one only after 10 s: wait that out, so that the counts are complete.
        await Task.Delay(TimeSpan.FromSeconds(11));
        await using var own = await OpenAsync(_bench.Url);
        var tables = await TablesAsync(own);
        var commits = (long)(await Scalar(own, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"))! - _commitsStart;

        var text = new StringBuilder();
        Table(text, $"statements per step by kind (pg_stat_statements, {statements.Sum(s => s.Calls) / (double)steps:0.00} in all; {commits / (double)steps:0.000} transactions)",
            statements.GroupBy(s => KindOf(s.Query)).OrderByDescending(g => g.Sum(s => s.Calls)).Select(g => (g.Key, new[]
            {
                PerStep(g.Sum(s => s.Calls), steps), PerStep(g.Sum(s => s.Rows), steps),
                (g.Sum(s => s.Ms) * 1000 / steps).ToString("0.0", CultureInfo.InvariantCulture), PerStep(g.Sum(s => s.Wal), steps),
            })), "calls", "rows", "exec_us", "wal_bytes");
        Table(text, "rows per step (pg_stat_user_tables)", tables.Where(t => _tablesStart.ContainsKey(t.Key))
            .Select(t => (t.Key, t.Value.Zip(_tablesStart[t.Key], (after, before) => after - before).ToArray()))
            .Where(t => t.Item2.Any(d => d != 0)).OrderBy(t => t.Key)
            .Select(t => (t.Key, t.Item2.Select(d => PerStep(d, steps)).ToArray())), "inserted", "updated", "hot_updated", "deleted");
        Table(text, "write-ahead log per step", [("bytes (pg_current_wal_lsn difference)", [PerStep(walBytes, steps)])], "per step");
        text.AppendLine("stats: the statements, most called first (per step: calls, rows, exec_us, wal_bytes)");
        foreach (var s in statements.Take(25))
            text.AppendLine($"stats:   {PerStep(s.Calls, steps),8} {PerStep(s.Rows, steps),8} {s.Ms * 1000 / steps,8:0.0} {PerStep(s.Wal, steps),8}  {Shorten(s.Query)}");
        return text.ToString();
    }

    private static string Shorten(string query)
    {
        var flat = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length > 150 ? flat[..150] + "..." : flat;
    }

    private static async Task<Dictionary<string, long[]>> TablesAsync(NpgsqlConnection connection)
    {
        var tables = new Dictionary<string, long[]>();
        await using var cmd = new NpgsqlCommand(TableCounters, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            tables[reader.GetString(0)] = [reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)];
        return tables;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string url)
    {
        var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(url));
        await connection.OpenAsync();
        // The statistics' own queries stay out of the statistics.
        await Scalar(connection, "SET pg_stat_statements.track = 'none'");
        return connection;
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
    }
}
