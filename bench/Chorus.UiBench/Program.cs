using Chorus.UiBench;

// The web UI's measurements (issue 15): run in Release from the repository's root.
//   dotnet run -c Release --project bench/Chorus.UiBench -- --workloads WS,SIZE,EDITOR [--runs 3]
//   WS:     --clients 1000 --tenants 4 --executions 5 (per tenant) --steps 20 --step-seconds 0.2 [--burst: all executions in step]
//   EDITOR: --steps 300 --page editor|overview [--profile load.cpuprofile: the page load's JavaScript CPU profile]
//           [--trace load.json: the page load's Chrome trace, its long tasks broken down]
//   SHOTS:  --out docs/screenshots [--only sign-in,workflows,...]   (scripts/screenshots.sh)
var workloads = Arg("--workloads", "WS,SIZE,EDITOR").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var repository = Repository();
Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {WsLatency.LoadAverage()}");
var runs = int.Parse(Arg("--runs", "1"), System.Globalization.CultureInfo.InvariantCulture);
foreach (var workload in workloads)
{
    Func<Task<WsLatency.Result>> run = workload.ToUpperInvariant() switch
    {
        "WS" => () => WsLatency.RunAsync(new WsLatency.Options(Int("--clients", 1000), Int("--tenants", 4), Int("--executions", 5), Int("--steps", 20),
            double.Parse(Arg("--step-seconds", "0.2"), System.Globalization.CultureInfo.InvariantCulture), args.Contains("--burst"))),
        "SIZE" => async () => new WsLatency.Result(0, await FirstLoadSize.RunAsync(repository)),
        "EDITOR" => () => EditorFrames.RunAsync(Int("--steps", 300), Arg("--page", "editor"), Arg("--profile", "") is { Length: > 0 } p ? Path.GetFullPath(p) : null,
            Arg("--trace", "") is { Length: > 0 } t ? Path.GetFullPath(t) : null),
        "SHOTS" => async () => new WsLatency.Result(0, await Screenshots.RunAsync(repository,
            Path.GetFullPath(Arg("--out", Path.Combine(repository, "docs", "screenshots"))), Arg("--only", "") is { Length: > 0 } only ? only : null)),
        _ => throw new ArgumentException($"Unknown workload '{workload}'; known: WS, SIZE, EDITOR, SHOTS."),
    };
    // WS and EDITOR vary from run to run: each run on stderr, the median (WS by its p99 from commit, EDITOR by the
    // drag's longest frame) on stdout.
    var results = new List<WsLatency.Result>();
    for (var i = 0; i < (workload.ToUpperInvariant() is "WS" or "EDITOR" ? runs : 1); i++)
    {
        results.Add(await run());
        if (runs > 1)
            Console.Error.WriteLine($"  run {i + 1}: {results[^1].Line}");
    }
    Console.WriteLine(results.OrderBy(r => r.SortKey).ElementAt(results.Count / 2).Line);
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int Int(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

// The repository's root: where Chorus.slnx is, above the working directory.
static string Repository()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
            return dir.FullName;
    throw new InvalidOperationException("Run this from inside the repository (Chorus.slnx not found above the working directory).");
}
