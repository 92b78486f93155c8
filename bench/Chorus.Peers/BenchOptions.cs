namespace Chorus.Peers;

internal enum Store { Sqlite, Postgres }

/// <summary>The command line, shared by the comparison and the child processes it starts.</summary>
internal sealed record BenchOptions(string[] Workloads, Store Store, int Runs, int N, int PeerN, int PeerRepeats, string? Peer)
{
    /// <summary>Steps in every chain, as in bench/Chorus.Benchmarks' W2 and W3.</summary>
    public const int Steps = 10;

    /// <summary>W2's measured chains in bench/Chorus.Benchmarks (which has no option for it).</summary>
    public const int ChorusRepeats = 200;

    /// <summary>The PostgreSQL server to create throwaway databases on; the same default and variable as
    /// bench/Chorus.Benchmarks, and CHORUS_TEST_POSTGRES (what scripts/start-postgres.sh prints) when set.</summary>
    public static string PostgresServerUrl =>
        Environment.GetEnvironmentVariable("CHORUS_BENCH_POSTGRES")
        ?? Environment.GetEnvironmentVariable("CHORUS_TEST_POSTGRES")
        ?? "postgres://postgres@127.0.0.1:55432/postgres";

    public static BenchOptions Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new BenchOptions(
            Arg("--workloads", "W2,W3").ToUpperInvariant().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Enum.Parse<Store>(Arg("--store", "sqlite"), ignoreCase: true),
            int.Parse(Arg("--runs", "3")),
            int.Parse(Arg("--n", "1000")),
            int.Parse(Arg("--peer-n", Arg("--n", "1000"))),
            int.Parse(Arg("--peer-repeats", BenchOptions.ChorusRepeats.ToString())),
            args.Contains("--peer") ? Arg("--peer", "") : null);
    }
}
