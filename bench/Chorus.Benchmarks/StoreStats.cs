using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Chorus.Benchmarks;

/// <summary>What the store did during a measured run, per step (--stats): statements of each kind, rows written per
/// table and bytes written to the write-ahead log. PostgreSQL answers from pg_stat_statements, pg_stat_user_tables
/// and the WAL position; SQLite from a trace of its writer connection (every statement, every row change, every
/// page written). Tracing costs time itself, so a run with --stats is not one to take throughput from.</summary>
internal abstract partial class StoreStats
{
    public static Task<StoreStats> StartAsync(BenchStore bench) => bench.Kind == StoreKind.Postgres
        ? PostgresStats.StartTrackingAsync(bench)
        : Task.FromResult<StoreStats>(SqliteStats.Start(bench));

    /// <summary>The report: one line per kind of statement, per table written and for the log, each divided by
    /// <paramref name="steps"/>.</summary>
    public abstract Task<string> StopAsync(int steps);

    /// <summary>"UPDATE executions", "SELECT work_items", "COMMIT": the statement's verb and the first table it names.
    /// A statement's text, not its plan, decides: a CTE is named by the verb of its outer statement.</summary>
    public static string KindOf(string sql)
    {
        var text = Comment().Replace(sql, " ").Trim();
        var verb = Verb().Match(text) is { Success: true } m ? m.Groups[1].Value.ToUpperInvariant() : text.Split(' ', 2)[0].ToUpperInvariant();
        if (verb == "WITH")
            verb = OuterVerb().Match(text) is { Success: true } outer ? outer.Groups[1].Value.ToUpperInvariant() : "SELECT";
        var table = verb switch
        {
            "INSERT" => Into().Match(text),
            "UPDATE" => Updated().Match(text),
            _ => From().Match(text),
        };
        return table.Success ? $"{verb} {table.Groups[1].Value}" : verb;
    }

    protected static string PerStep(double value, int steps) => (value / steps).ToString(value / steps >= 10 ? "0" : "0.00", CultureInfo.InvariantCulture);

    protected static void Table(StringBuilder text, string title, IEnumerable<(string Name, string[] Cells)> rows, params string[] columns)
    {
        text.AppendLine($"stats: {title}").AppendLine($"stats:   {"",-40} {string.Join(" ", columns.Select(c => c.PadLeft(12)))}");
        foreach (var (name, cells) in rows)
            text.AppendLine($"stats:   {(name.Length > 40 ? name[..40] : name),-40} {string.Join(" ", cells.Select(c => c.PadLeft(12)))}");
    }

    [GeneratedRegex(@"/\*.*?\*/|--[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"^(SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|NOTIFY|DO|PRAGMA)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Verb();

    // The statement after the CTEs: the last top-level verb that follows a closing parenthesis.
    [GeneratedRegex(@"\)\s*(SELECT|INSERT|UPDATE|DELETE)\b(?!.*\)\s*(SELECT|INSERT|UPDATE|DELETE)\b)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex OuterVerb();

    [GeneratedRegex(@"\bINTO\s+(?:workflow\.)?""?(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex Into();

    [GeneratedRegex(@"\bUPDATE\s+(?:workflow\.)?""?(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex Updated();

    [GeneratedRegex(@"\bFROM\s+(?:workflow\.)?""?(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex From();
}
