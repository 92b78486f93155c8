using Chorus.Benchmarks;

// dotnet run -c Release --project bench/Chorus.Benchmarks -- --workloads W1,W2,W2p,W3,W4,MEM [--runs 3] [--n 1000] [--store sqlite|postgres] [--nodes N (postgres)] [--stats]
// W3P (W3 while 1,000,000 old step runs are pruned), W3H (the same old history, not pruned): --workloads W3,W3H,W3P [--old 100000] [--wait 600]
// MEM: --timers N executions waiting on timers (default 10,000; --wait 600 s at most for them all to wait), then a restart.
// --compare [FILE]: after each workload, its change against the baseline (default bench/baseline.json);
// --save-baseline [FILE]: writes this run's medians as the baseline of this store setup.
if (Array.IndexOf(args, "--node") >= 0)
{
    // A node process the harness started for --nodes N.
    await NodeProcess.RunAsync(Arg("--node", ""), Arg("--node-id", "bench-node"));
    return;
}
var workloads = Arg("--workloads", "W1,W2,W3,W4,MEM").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var runs = int.Parse(Arg("--runs", "3"));
var n = int.Parse(Arg("--n", "1000"));
var timers = int.Parse(Arg("--timers", "10000"));
var store = Enum.Parse<StoreKind>(Arg("--store", "sqlite"), ignoreCase: true);
var nodes = int.Parse(Arg("--nodes", "1"));
var oldExecutions = int.Parse(Arg("--old", "100000")); // W3P/W3H: old executions of 10 steps each, seeded before each run
var wait = TimeSpan.FromSeconds(int.Parse(Arg("--wait", "600"))); // W3P/W3H/MEM: a run still going then is reported as it stands
var compareWith = PathArg("--compare") is { } comparePath ? Baseline.Load(comparePath, mustExist: true) : null;
var saveTo = PathArg("--save-baseline") is { } savePath ? Baseline.Load(savePath, mustExist: false) : null;
var setup = store.ToString().ToLowerInvariant() + (nodes > 1 ? $"-{nodes}-nodes" : "");
if (nodes > 1 && store != StoreKind.Postgres)
    throw new ArgumentException("Several nodes need a shared store: add --store postgres.");
// --stats: W1 and W3 also print, on stderr, the store's statements, rows and WAL bytes per step (StoreStats).
var bench = new Workloads(store, nodes, stats: Array.IndexOf(args, "--stats") >= 0);

Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; median of {runs} runs");
// The engine's code is compiled as it first runs, and recompiled hotter as it keeps running: W1's runs kept getting
// faster for about five runs (50,000 steps). Three unmeasured runs of W1's shape come first, so that the first workload
// of the list (W1 by default) pays for less of it. Node processes (--nodes) warm up on their own.
if (nodes == 1 && workloads.Any(w => !w.Equals("MEM", StringComparison.OrdinalIgnoreCase)))
    for (var i = 0; i < 3; i++)
        Console.Error.WriteLine($"# warm-up: {(await bench.ManyAsync("warm-up", fullSync: false, n, steps: 10)).Line}");
foreach (var workload in workloads)
{
    Func<Task<Workloads.Result>> run = workload.ToUpperInvariant() switch
    {
        "W1" => () => bench.ManyAsync("W1", fullSync: false, n, steps: 10),
        "W2" => () => bench.LatencyAsync(repeats: 200, steps: 10),
        "W2P" => () => bench.LatencyAsync(repeats: 200, steps: 10, pure: true),
        "W3" => () => bench.ManyAsync("W3", fullSync: true, n, steps: 10),
        "W3P" or "W3H" when nodes > 1 => throw new ArgumentException($"{workload} prunes in this process: run it with one node."),
        "W3P" or "W3H" => () => bench.ManyWhilePruningAsync(workload.ToUpperInvariant(), prune: workload.Equals("W3P", StringComparison.OrdinalIgnoreCase),
            n, steps: 10, new OldHistory(oldExecutions, steps: 10, age: TimeSpan.FromDays(400)), keep: TimeSpan.FromDays(30), wait),
        "W4" => () => bench.FanOutAsync(branches: 100),
        "MEM" when nodes > 1 => throw new ArgumentException("MEM measures one process: run it with one node."),
        "MEM" => () => bench.TimersAsync(timers, wait),
        _ => throw new ArgumentException($"Unknown workload '{workload}'; known: W1, W2, W2p, W3, W3H, W3P, W4, MEM."),
    };
    // Memory is measured once: a process's RSS after a previous run says nothing about the next.
    var results = new List<Workloads.Result>();
    var loadBefore = Baseline.LoadAverage();
    for (var i = 0; i < (workload == "MEM" ? 1 : runs); i++)
    {
        results.Add(await run());
        Console.Error.WriteLine($"  run {i + 1}: {results[^1].Line}"); // each run on stderr, the median on stdout
    }
    var median = results.OrderBy(r => r.SortKey).ElementAt(results.Count / 2);
    Console.WriteLine(median.Line);
    if (compareWith is not null)
        Console.WriteLine(compareWith.Compare(setup, workload.ToUpperInvariant(), median.Figures));
    saveTo?.Record(setup, workload.ToUpperInvariant(), median.Figures, DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'"),
        $"{loadBefore} at the start, {Baseline.LoadAverage()} at the end");
}
if (saveTo is not null)
{
    saveTo.Save();
    Console.WriteLine($"# baseline of {setup} written to {saveTo.Path}");
}

// A flag with an optional file after it: null when absent, the default file when no file follows.
string? PathArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i < 0 ? null : i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : Baseline.DefaultPath;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
