namespace Chorus.Peers;

internal enum Store { Sqlite, Postgres }

/// <summary>The command line, shared by the comparison and the child processes it starts.</summary>
/// <param name="PeerN">W3's n for each peer (--peer-n hangfire=100), when not <paramref name="N"/>.</param>
/// <param name="PeerRepeats">W2's repeats for each peer (--peer-repeats hangfire=20), when not Chorus's 200.</param>
internal sealed record BenchOptions(string[] Workloads, Store Store, int Runs, int N, PerPeer PeerN, PerPeer PeerRepeats, string? Peer)
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
            PerPeer.Parse(Arg("--peer-n", Arg("--n", "1000")), fallback: int.Parse(Arg("--n", "1000"))),
            PerPeer.Parse(Arg("--peer-repeats", BenchOptions.ChorusRepeats.ToString()), fallback: BenchOptions.ChorusRepeats),
            args.Contains("--peer") ? Arg("--peer", "") : null);
    }
}

/// <summary>A number for every peer ("100"), or for some ("hangfire=100,wolverine=500", the others keep
/// <paramref name="Default"/>).</summary>
internal sealed record PerPeer(int Default, IReadOnlyDictionary<string, int> Named)
{
    public int For(string peer) => Named.TryGetValue(peer, out var value) ? value : Default;

    public static PerPeer Parse(string text, int fallback = 0) => int.TryParse(text, out var all)
        ? new PerPeer(all, new Dictionary<string, int>())
        : new PerPeer(fallback, text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0].ToLowerInvariant(), pair => int.Parse(pair[1])));
}
