using System.Diagnostics;
using System.Reflection;

namespace Chorus.Peers;

/// <summary>The parent process: runs Chorus and each peer on every workload, --runs times, each run in a child
/// process of its own on a fresh store, and prints the median of each with its ratio to Chorus on the same store.
/// The runs are interleaved (Chorus, then each peer, then again), so a change in the machine's load falls on all
/// of them alike.</summary>
internal static class Comparison
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var store = options.Store.ToString().ToLowerInvariant();
        string[] contenders = ["chorus", .. PeerProcess.PeersFor(options.Store)];
        Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; median of {options.Runs} runs; " +
            $"load average {LoadAverage()}");
        Console.WriteLine("# ratio_to_chorus = this line's figure / Chorus's on the same store: W2 median_ms (above 1: slower than Chorus), W3 steps_per_s (below 1: slower than Chorus)");
        var failed = false;
        foreach (var workload in options.Workloads)
        {
            var runs = contenders.ToDictionary(c => c, _ => new List<ResultLine>());
            var failures = new Dictionary<string, string>();
            for (var run = 1; run <= options.Runs; run++)
                foreach (var contender in contenders.Where(c => !failures.ContainsKey(c)))
                {
                    var (line, error) = await RunChildAsync(contender, workload, options);
                    if (error is not null)
                    {
                        failures[contender] = error;
                        Console.Error.WriteLine($"  run {run}: engine={contender} store={store} workload={workload} FAILED: {error}");
                        continue;
                    }
                    runs[contender].Add(ResultLine.Parse(line!, workload));
                    Console.Error.WriteLine($"  run {run}: {line}"); // each run on stderr, the median on stdout
                }
            var chorus = runs["chorus"].Count > 0 ? Median(runs["chorus"]) : null;
            foreach (var contender in contenders)
            {
                if (failures.TryGetValue(contender, out var error))
                {
                    Console.WriteLine($"engine={contender} store={store} workload={workload} FAILED: {error}");
                    failed = true;
                    continue;
                }
                var median = Median(runs[contender]);
                Console.WriteLine(contender == "chorus" || chorus is null
                    ? median.Text
                    : $"{median.Text} ratio_to_chorus={median.Figure / chorus.Figure:0.00}");
            }
        }
        Console.WriteLine($"# load average at the end {LoadAverage()}");
        return failed ? 1 : 0;
    }

    private static ResultLine Median(List<ResultLine> runs) => runs.OrderBy(r => r.SortKey).ElementAt(runs.Count / 2);

    /// <summary>Runs one contender's workload once in a child process; its last "engine=" line on stdout is the
    /// result. A child that exits with an error (a peer whose chains did not all run) gives its last error line.</summary>
    private static async Task<(string? Line, string? Error)> RunChildAsync(string contender, string workload, BenchOptions options)
    {
        var start = contender == "chorus" ? ChorusBenchmarks(workload, options) : Self(contender, workload, options);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // bench/Chorus.Benchmarks reads the PostgreSQL server from CHORUS_BENCH_POSTGRES; both use the same one.
        start.Environment["CHORUS_BENCH_POSTGRES"] = BenchOptions.PostgresServerUrl;
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = (await stdout).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("engine=", StringComparison.Ordinal));
        if (child.ExitCode == 0 && line is not null)
            return (line, null);
        var errors = (await stderr).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var reason = errors.FirstOrDefault(l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal)) ?? errors.LastOrDefault() ?? "no output";
        return (null, $"exit code {child.ExitCode}: {reason}");
    }

    /// <summary>Chorus's own W2 and W3, exactly as bench/Chorus.Benchmarks runs them (built beside this project by
    /// its project reference), one run per child.</summary>
    private static ProcessStartInfo ChorusBenchmarks(string workload, BenchOptions options)
    {
        var dll = typeof(Comparison).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ChorusBenchmarksDll").Value!;
        if (!File.Exists(dll))
            throw new FileNotFoundException("bench/Chorus.Benchmarks is not built", dll);
        return Start("dotnet", [dll, "--workloads", workload, "--runs", "1", "--n", options.N.ToString(), "--store", options.Store.ToString().ToLowerInvariant()]);
    }

    private static ProcessStartInfo Self(string peer, string workload, BenchOptions options)
    {
        string[] arguments = ["--peer", peer, "--workloads", workload, "--n", options.PeerN.For(peer).ToString(), "--peer-repeats", options.PeerRepeats.For(peer).ToString(), "--store", options.Store.ToString().ToLowerInvariant()];
        var host = Environment.ProcessPath!;
        // Started as "dotnet Chorus.Peers.dll", or through the app host that dotnet run uses.
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? Start(host, [typeof(Comparison).Assembly.Location, .. arguments])
            : Start(host, arguments);
    }

    private static ProcessStartInfo Start(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}

/// <summary>One result line ("engine=... key=value ..."): W2's median latency or W3's throughput is its figure.</summary>
internal sealed record ResultLine(string Text, double Figure, double SortKey)
{
    public static ResultLine Parse(string text, string workload)
    {
        var values = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(token => token.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        double Value(string key) => values.TryGetValue(key, out var v)
            ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)
            : throw new FormatException($"no {key}= in \"{text}\"");
        return workload == "W2"
            ? new ResultLine(text, Value("median_ms"), Value("median_ms"))
            : new ResultLine(text, Value("steps_per_s"), -Value("steps_per_s"));
    }
}
