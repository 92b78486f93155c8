using System.Diagnostics;

namespace Chorus.Benchmarks;

/// <summary>The workloads of DESIGN.md. Each returns one result line; the caller takes the median of runs.</summary>
/// <param name="stats">W1 and W3 also report what the store did per step (<see cref="StoreStats"/>), on stderr.</param>
internal sealed class Workloads(StoreKind store, int nodes, bool stats = false)
{
    /// <param name="Figures">The run's figures by name, which a baseline keeps and compares
    /// (<see cref="Baseline"/>).</param>
    public sealed record Result(string Line, double SortKey, IReadOnlyDictionary<string, double> Figures);

    /// <summary>W1 (synchronous=NORMAL) and W3 (synchronous=FULL): start n executions of a 10-step sequence at
    /// once and wait until all complete.</summary>
    public async Task<Result> ManyAsync(string name, bool fullSync, int n, int steps)
    {
        await using var harness = await Harness.StartAsync(store, fullSync, nodes, stats: stats);
        var workflow = await harness.CreateAsync(Workflows.Sequence(steps));
        var done = harness.ExpectCompletions(n);
        var storeStats = stats ? await StoreStats.StartAsync(harness.Bench) : null;
        var cpu = harness.SampleCpu();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, n).Select(_ => harness.StartAsync(workflow)));
        await done.WaitAsync(TimeSpan.FromMinutes(10));
        var wall = clock.Elapsed.TotalMilliseconds;
        var used = harness.SampleCpu();
        if (storeStats is not null)
            Console.Error.Write(await storeStats.StopAsync(n * steps));
        var stepsPerSecond = n * steps / (wall / 1000);
        var cpuMsPerStep = used.TotalSince(cpu) * 1000 / (n * steps);
        return new Result(
            Line(name, fullSync, $"n={n} steps={steps} wall_ms={wall:0} wf_per_s={n / (wall / 1000):0.0} steps_per_s={stepsPerSecond:0} {used.Since(cpu)} cpu_ms_per_step={cpuMsPerStep:0.000}"),
            wall, new Dictionary<string, double> { ["steps_per_s"] = stepsPerSecond, ["cpu_ms_per_step"] = cpuMsPerStep });
    }

    /// <summary>W3P: W3 on a database holding old history (<paramref name="history"/>, seeded before the engine starts),
    /// while the engine's history pruning deletes it, keeping <paramref name="keep"/>: its <see cref="Chorus.Engine.Runtime.RetentionJob"/>
    /// runs round after round, a second apart, from the start of W3 to its end, with the engine's batch size, pause and
    /// vacuum. Also reports how much old history went during the run and how much is left. W3H is the same without
    /// the pruning: what the old history alone costs W3. A run that has not ended after <paramref name="wait"/> is
    /// reported as it stands (timed_out=1, the figures over the executions that completed).</summary>
    public async Task<Result> ManyWhilePruningAsync(string name, bool prune, int n, int steps, OldHistory history, TimeSpan keep, TimeSpan wait)
    {
        await using var harness = await Harness.StartAsync(store, fullSync: true, nodes, history.SeedAsync);
        var workflow = await harness.CreateAsync(Workflows.Sequence(steps));
        var job = harness.CreateRetentionJob(keep);
        var before = await history.CountAsync(harness.Bench);
        var sizeBefore = await OldHistory.SizeMbAsync(harness.Bench);
        var completedBefore = harness.Completed;
        var done = harness.ExpectCompletions(n);
        using var stop = new CancellationTokenSource();
        var cpu = harness.SampleCpu();
        var clock = Stopwatch.StartNew();
        var pruning = prune ? PruneUntilStoppedAsync(job, stop.Token) : Task.CompletedTask;
        await Task.WhenAll(Enumerable.Range(0, n).Select(_ => harness.StartAsync(workflow)));
        var timedOut = await Task.WhenAny(done, Task.Delay(wait > clock.Elapsed ? wait - clock.Elapsed : TimeSpan.Zero)) != done;
        var wall = clock.Elapsed.TotalMilliseconds;
        var completed = harness.Completed - completedBefore;
        var used = harness.SampleCpu().Since(cpu);
        await stop.CancelAsync();
        await pruning;
        var after = await history.CountAsync(harness.Bench);
        var sizeAfter = await OldHistory.SizeMbAsync(harness.Bench);
        var pruned = before.Executions - after.Executions;
        return new Result(
            Line(name, true, $"n={n} steps={steps} wall_ms={wall:0} wf_per_s={completed / (wall / 1000):0.0} steps_per_s={completed * steps / (wall / 1000):0} " +
                $"{(timedOut ? $"timed_out=1 completed={completed} " : "")}{used} old_executions={before.Executions} old_step_runs={before.StepRuns} " +
                $"pruned_executions={pruned} pruned_step_runs={before.StepRuns - after.StepRuns} pruned_executions_per_s={pruned / (wall / 1000):0} " +
                $"left_executions={after.Executions} left_step_runs={after.StepRuns} db_mb_before={sizeBefore:0} db_mb_after={sizeAfter:0}"),
            timedOut ? double.MaxValue : wall,
            new Dictionary<string, double> { ["steps_per_s"] = completed * steps / (wall / 1000), ["pruned_executions_per_s"] = pruned / (wall / 1000) });
    }

    /// <summary>Pruning rounds, each until nothing old is left (or it is stopped), a second apart, as the hosted
    /// service runs them <see cref="Chorus.Engine.Runtime.RetentionOptions.Interval"/> apart.</summary>
    private static async Task PruneUntilStoppedAsync(Chorus.Engine.Runtime.RetentionJob job, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await job.RunOnceAsync(stop);
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // W3 is over.
        }
    }

    /// <summary>W2: one 10-step execution start to completion, repeated; median and p99 latency.</summary>
    /// <param name="pure">W2p: built-in pure steps, which run inside the commit that decides them.</param>
    public async Task<Result> LatencyAsync(int repeats, int steps, bool pure = false)
    {
        await using var harness = await Harness.StartAsync(store, fullSync: true, nodes);
        var workflow = await harness.CreateAsync(pure ? Workflows.PureSequence(steps) : Workflows.Sequence(steps));
        var samples = new List<double>(repeats);
        for (var i = 0; i < repeats + 5; i++)
        {
            var done = harness.ExpectCompletions(1);
            var clock = Stopwatch.StartNew();
            await harness.StartAsync(workflow);
            await done.WaitAsync(TimeSpan.FromMinutes(1));
            if (i >= 5) // the first runs warm up the JIT and the caches
                samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        var median = samples[samples.Count / 2];
        var p99 = samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.99) - 1)];
        return new Result(Line(pure ? "W2p" : "W2", true, $"n={repeats} steps={steps} median_ms={median:0.00} p99_ms={p99:0.00}"), median,
            new Dictionary<string, double> { ["median_ms"] = median, ["p99_ms"] = p99 });
    }

    /// <summary>W4: one execution fanning out to 100 parallel one-step branches, then a join.</summary>
    public async Task<Result> FanOutAsync(int branches)
    {
        await using var harness = await Harness.StartAsync(store, fullSync: true, nodes);
        var workflow = await harness.CreateAsync(Workflows.FanOut(branches));
        var warm = harness.ExpectCompletions(1);
        await harness.StartAsync(workflow);
        await warm.WaitAsync(TimeSpan.FromMinutes(1));
        var done = harness.ExpectCompletions(1);
        var clock = Stopwatch.StartNew();
        await harness.StartAsync(workflow);
        await done.WaitAsync(TimeSpan.FromMinutes(1));
        var wall = clock.Elapsed.TotalMilliseconds;
        return new Result(Line("W4", true, $"n=1 branches={branches} wall_ms={wall:0.0}"), wall, new Dictionary<string, double> { ["wall_ms"] = wall });
    }

    /// <summary>MEM: n executions each waiting on a one-hour timer; the process's resident memory once they all wait
    /// (or <paramref name="wait"/> after the last start, with how many did). Then a restart: the engine stops, its store is closed
    /// and opened again, and a new engine starts on it; measured until the API's list of executions answers and until
    /// a fresh one-step execution has completed, and the resident memory after it.</summary>
    public async Task<Result> TimersAsync(int n, TimeSpan wait)
    {
        await using var harness = await Harness.StartAsync(store, fullSync: true, nodes);
        var workflow = await harness.CreateAsync(Workflows.TimerWait());
        var oneStep = await harness.CreateAsync(Workflows.Sequence(1));
        var clock = Stopwatch.StartNew();
        // At most MaxStartsInFlight at once, as a server's request limits would allow: 100,000 starts at once each
        // read the workflow first and queue for PostgreSQL's connection pool until some time out.
        using var inFlight = new SemaphoreSlim(MaxStartsInFlight);
        await Task.WhenAll(Enumerable.Range(0, n).Select(async _ =>
        {
            await inFlight.WaitAsync();
            try { await harness.StartAsync(workflow); }
            finally { inFlight.Release(); }
        }));
        var startedMs = clock.Elapsed.TotalMilliseconds;
        // Let the wait steps run and park on their timers, for up to `wait` after the last start.
        var parking = Stopwatch.StartNew();
        int waiting;
        while ((waiting = await harness.CountWaitingAsync()) < n && parking.Elapsed < wait)
            await Task.Delay(500);
        var wall = clock.Elapsed.TotalMilliseconds;
        var (rssMb, heapMb) = MemoryMb();

        var restart = Stopwatch.StartNew();
        await harness.RestartAsync();
        var engineStartedMs = restart.Elapsed.TotalMilliseconds;
        await harness.ListExecutionsAsync();
        var apiMs = restart.Elapsed.TotalMilliseconds;
        var done = harness.ExpectCompletions(1);
        await harness.StartAsync(oneStep);
        await done.WaitAsync(TimeSpan.FromMinutes(5));
        var servingMs = restart.Elapsed.TotalMilliseconds;
        var (rssAfterRestartMb, heapAfterRestartMb) = MemoryMb();
        return new Result(
            Line("MEM", true, $"n={n} waiting={waiting} rss_mb={rssMb:0} heap_mb={heapMb:0} started_ms={startedMs:0} wall_ms={wall:0} " +
                $"restart_engine_ms={engineStartedMs:0} restart_api_ms={apiMs:0} restart_serving_ms={servingMs:0} rss_after_restart_mb={rssAfterRestartMb:0} heap_after_restart_mb={heapAfterRestartMb:0}"),
            rssMb,
            new Dictionary<string, double> { ["rss_mb"] = rssMb, ["heap_mb"] = heapMb, ["wall_ms"] = wall, ["restart_serving_ms"] = servingMs });
    }

    private const int MaxStartsInFlight = 1000;

    /// <summary>This process's resident memory after a full collection (as MEM has always measured it, so figures
    /// from before compare), and the managed heap's live objects. After a restart in this process the resident
    /// memory still holds what the collector kept from the first engine's peak, so the heap says more then.</summary>
    private static (double Rss, double Heap) MemoryMb()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return (self.WorkingSet64 / (1024.0 * 1024.0), GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0));
    }

    // The project runs with invariant globalization, so numbers print with a '.' everywhere.
    private string Line(string workload, bool fullSync, string figures) =>
        $"engine=chorus store={store.ToString().ToLowerInvariant()} nodes={nodes} sync={(fullSync || store == StoreKind.Postgres ? "full" : "normal")} workload={workload} {figures}";
}
