using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>Several server processes on one PostgreSQL database (SKIP LOCKED claims, leases with heartbeats,
/// fencing, LISTEN/NOTIFY wake-ups): work is shared, a SIGKILLed node's work resumes elsewhere, nothing runs twice
/// in the engine's state, and timers fire once across the cluster.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ClusterTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(120);
    private static readonly string[] Finished = ["completed", "failed", "cancelled"];

    [Fact]
    public async Task ThreeNodes_OneKilledMidRun_EveryExecutionCompletesOnce_EffectsAtMostTwice()
    {
        const int executions = 1000;
        const int steps = 3;
        await using var database = await ClusterDatabase.CreateAsync();
        // Tens of milliseconds per effect: the victim's last executions, started before its starts close, are still
        // mid-step when it is killed. With a few milliseconds it had sometimes finished them all in between.
        await using var effects = new EffectsEndpoint(20, 60);
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 3);
        const int victim = 2;
        var survivor = cluster.Apis[0];
        var workflow = await survivor.CreateWorkflowAsync(CrashWorkflows.Sequence(effects.Url, steps));

        // Starts go to all three APIs until the kill, then to the survivors only. A node gets new work mostly from
        // the starts it takes (the steps an execution makes ready stay on its node while that node has free
        // workers), so the victim is fed up to the kill. Just before it, starts to the victim stop and the ones in
        // flight are let finish, so none is lost with it or left in doubt.
        var byTag = new ConcurrentDictionary<string, string>();
        var gate = new object();
        var victimOpen = true;
        var victimInFlight = 0;
        var startAll = Parallel.ForEachAsync(Enumerable.Range(0, executions), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            int node;
            lock (gate)
            {
                node = victimOpen ? i % 3 : i % 2;
                if (node == victim)
                    victimInFlight++;
            }
            try
            {
                var tag = $"t{i:D4}-{Guid.NewGuid():N}";
                byTag[tag] = await cluster.Apis[node].StartAsync(workflow, new JsonObject { ["tag"] = tag });
            }
            finally
            {
                if (node == victim)
                    lock (gate)
                        victimInFlight--;
            }
        });

        // Kill once a third have completed, at a moment all three nodes hold leased work (so the victim is mid-work).
        while (true)
        {
            await WaitUntilAsync(async () => await CompletedAsync(database) >= executions / 3 &&
                (await database.LeasedItemsAsync()).Select(item => item.Owner).Distinct().Count() == 3,
                "a third of the executions to complete while all three nodes hold work", cluster);
            lock (gate)
                victimOpen = false;
            await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref victimInFlight) == 0), "the starts in flight to the victim", cluster);
            if ((await database.LeasedItemsAsync()).Select(item => item.Owner).Distinct().Count() == 3)
                break;
            lock (gate)
                victimOpen = true;
        }
        var completedAtKill = await CompletedAsync(database);
        await cluster.Processes[victim].KillAsync();
        var killedAt = effects.Now;
        var afterKill = Stopwatch.StartNew();

        // Every item leased at the kill is either finished by its (live) holder, or, if the victim held it, claimed
        // again (a new fence) by another node once its lease ran out: resumption. An item seen with a new owner was
        // surely the victim's; a live holder heartbeats and finishes its items in milliseconds, so one untouched
        // until its lease at the kill ran out was most likely the victim's too (counted only as evidence of a kill
        // mid-work, since it may have been claimed and finished between two looks).
        var leased = await database.LeasedItemsAsync();
        var pending = leased.ToDictionary(i => i.Id, i => (i.Fence, i.Owner, i.Expires));
        var takenOver = new List<(long Id, string From, string To)>();
        var outlivedLease = 0;
        var resumedWithin = TimeSpan.Zero;
        while (pending.Count > 0 && afterKill.Elapsed < Bounded)
        {
            var now = await database.ItemsAsync(pending.Keys);
            var at = DateTimeOffset.UtcNow;
            foreach (var (id, (fence, owner, expires)) in pending.ToList())
            {
                if (now.TryGetValue(id, out var current) && current.Fence == fence)
                    continue;
                if (now.TryGetValue(id, out current) && current.Owner is { } to && to != owner)
                    takenOver.Add((id, owner, to));
                else if (at >= expires)
                    outlivedLease++;
                pending.Remove(id);
                resumedWithin = afterKill.Elapsed;
            }
            await Task.Delay(10);
        }
        Assert.Empty(pending);
        // Only the victim's items can change hands: live holders heartbeat and finish their own.
        var deadOwners = takenOver.Select(t => t.From).Distinct().ToList();
        Assert.True(deadOwners.Count <= 1, "Items were taken over from more than one node: " + string.Join(", ", deadOwners));
        Assert.DoesNotContain(takenOver, t => deadOwners.Contains(t.To));
        // The victim's last heartbeat was at most one lease before the kill, so its items are free within one lease
        // and claimed by the next poll or wake-up: two lease periods, plus a margin for a loaded two-core machine.
        var resumptionBound = TimeSpan.FromSeconds(2 * ClusterNodes.LeaseSeconds + 4);
        Assert.True(resumedWithin < resumptionBound,
            $"The work leased at the kill was resumed only {resumedWithin.TotalSeconds:F1} s after it (bound {resumptionBound.TotalSeconds} s).");
        await startAll;

        await WaitUntilAsync(async () => await database.ScalarAsync(
            "SELECT count(*) FROM workflow.instances WHERE status IN ('completed', 'failed', 'cancelled')") >= executions, "every execution to finish", cluster);
        var lastCompletedAfterKill = afterKill.Elapsed;

        // Read back through a surviving node.
        var calls = effects.Calls;
        var callsByStep = calls.ToLookup(c => (c.Tag, c.Step));
        var repeated = 0;
        var problems = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(byTag, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, _) =>
        {
            var (tag, executionId) = pair;
            var status = await survivor.StatusAsync(executionId);
            if (status != "completed")
                problems.Add($"{executionId}: {status}");
            var runs = (await survivor.StepRunsAsync(executionId)).Select(r => r!.AsObject()).ToList();
            foreach (var run in runs)
            {
                var runStatus = run["status"]!.GetValue<string>();
                if (runStatus is not ("completed" or "failed"))
                    problems.Add($"{executionId}/{run["step_id"]}: step run left {runStatus}");
            }
            for (var i = 1; i <= steps; i++)
            {
                var step = $"s{i}";
                var completed = runs.Where(r => r["step_id"]!.GetValue<string>() == step && r["status"]!.GetValue<string>() == "completed").ToList();
                if (completed.Count != 1)
                    problems.Add($"{executionId}/{step}: {completed.Count} completed step runs");
                var stepCalls = callsByStep[(tag, step)].ToList();
                if (stepCalls.Count is < 1 or > 2)
                    problems.Add($"{executionId}/{step}: the effect arrived {stepCalls.Count} times");
                if (completed.Count == 1 && !stepCalls.Any(c => c.IdempotencyKey == completed[0]["idempotency_key"]!.GetValue<string>()))
                    problems.Add($"{executionId}/{step}: the committed attempt's effect never arrived");
                if (stepCalls.Count == 2)
                {
                    Interlocked.Increment(ref repeated);
                    // Twice only when the victim was mid-step: once before the kill, again after it.
                    if (!(stepCalls.Any(c => c.At < killedAt) && stepCalls.Any(c => c.At >= killedAt)))
                        problems.Add($"{executionId}/{step}: the effect arrived twice, not across the kill ({string.Join(", ", stepCalls.Select(c => c.At))}; kill at {killedAt})");
                }
            }
        });
        Assert.True(problems.IsEmpty, $"{problems.Count} problems, e.g.:\n{string.Join("\n", problems.Take(20))}\n{cluster.Tails}");
        Assert.True(repeated <= ClusterNodes.WorkerConcurrency,
            $"{repeated} effects were repeated; the victim could have had at most {ClusterNodes.WorkerConcurrency} steps in flight.");
        Assert.Equal(executions * steps, callsByStep.Count);
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM workflow.work_items"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM workflow.steps WHERE status NOT IN ('completed', 'failed')"));
        Assert.True(completedAtKill < executions * 2 / 3, $"{completedAtKill} executions had completed at the kill; the test did not kill mid-run.");
        // The victim's in-flight steps ran again on a survivor: an effect called before the kill and again after it
        // (the effects log), or a leased item that changed hands (the queue). And they did so within the bound.
        Assert.True(repeated > 0 || takenOver.Count > 0 || outlivedLease > 0, 
            $"The victim held no work at the kill that another node resumed; the kill did not exercise resumption " +
            $"({leased.Count} items leased at the kill by {leased.Select(i => i.Owner).Distinct().Count()} nodes, {completedAtKill} completed).");
        var rerunsAfterKill = calls.GroupBy(c => (c.Tag, c.Step)).Where(g => g.Count() == 2).Select(g => g.Max(c => c.At) - killedAt).ToList();
        var lastRerun = rerunsAfterKill.Count > 0 ? rerunsAfterKill.Max() : TimeSpan.Zero;
        Assert.True(lastRerun < resumptionBound, $"A step in flight on the victim ran again only {lastRerun.TotalSeconds:F1} s after the kill (bound {resumptionBound.TotalSeconds} s).");
        // Recorded for the reader of the test output: how far the run had got at each point, and how long it took.
        Console.WriteLine($"cluster: {completedAtKill} completed at the kill; " +
                          $"{leased.Count} leased at the kill, {takenOver.Count} seen changing hands, {outlivedLease} more outlived their lease, all resolved within {resumedWithin.TotalSeconds:F1} s; " +
                          $"in-flight steps re-run within {lastRerun.TotalSeconds:F1} s; " +
                          $"last completed {lastCompletedAfterKill.TotalSeconds:F1} s after the kill; {repeated} effects repeated");
    }

    [Fact]
    public async Task TwoNodesStartTogetherOnAnEmptyDatabase_BothReady_SchemaMigratedOnce()
    {
        await using var database = await ClusterDatabase.CreateAsync();
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 2, readyPath: "/health/ready");
        Assert.Equal(2, cluster.Processes.Count);
        Assert.All(cluster.Processes, p => Assert.False(p.HasExited));
        var migrations = Directory.GetFiles(MigrationsDirectory(), "*.sql").Length;
        Assert.True(migrations > 0);
        Assert.Equal(migrations, await database.ScalarAsync("SELECT count(*) FROM workflow.schema_migrations"));
        Assert.Equal(migrations, await database.ScalarAsync("SELECT count(DISTINCT version) FROM workflow.schema_migrations"));
    }

    [Fact]
    public async Task TimersAcrossTwoNodes_EachFiresOnce()
    {
        const int executions = 20;
        await using var database = await ClusterDatabase.CreateAsync();
        await using var effects = new EffectsEndpoint(0, 5);
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 2);
        var workflow = await cluster.Apis[0].CreateWorkflowAsync(WaitThenEffect(effects.Url));
        var byTag = new Dictionary<string, string>();
        for (var i = 0; i < executions; i++)
        {
            var tag = Guid.NewGuid().ToString("N");
            byTag[tag] = await cluster.Apis[i % 2].StartAsync(workflow, new JsonObject { ["tag"] = tag });
        }

        var statuses = await cluster.Apis[1].WaitForStatusAsync(byTag.Values.ToList(), TimeSpan.FromSeconds(60), Finished);
        Assert.True(statuses.Values.All(s => s == "completed"), $"Not all completed: {string.Join(", ", statuses.Values)}\n{cluster.Tails}");
        var calls = effects.Calls;
        foreach (var (tag, executionId) in byTag)
        {
            Assert.Single(calls, c => c.Tag == tag && c.Step == "after");
            var runs = (await cluster.Apis[0].StepRunsAsync(executionId)).Select(r => r!.AsObject()).ToList();
            var timer = Assert.Single(runs, r => r["step_id"]!.GetValue<string>() == "pause");
            Assert.Equal("completed", timer["status"]!.GetValue<string>());
            Assert.Single(runs, r => r["step_id"]!.GetValue<string>() == "after");
            Assert.All(runs, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        }
        Assert.Equal(executions, calls.Count);
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM workflow.work_items"));
    }

    [Fact]
    public async Task WorkStartedOnNodeA_IsVisibleThroughNodeB()
    {
        await using var database = await ClusterDatabase.CreateAsync();
        await using var effects = new EffectsEndpoint(0, 5);
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 2);
        var (a, b) = (cluster.Apis[0], cluster.Apis[1]);
        var workflow = await a.CreateWorkflowAsync(CrashWorkflows.Sequence(effects.Url, 3));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add(await a.StartAsync(workflow, new JsonObject { ["tag"] = $"visible-{i}" }));

        var statuses = await a.WaitForStatusAsync(ids, TimeSpan.FromSeconds(60), Finished);
        Assert.True(statuses.Values.All(s => s == "completed"), $"Not all completed: {string.Join(", ", statuses.Values)}\n{cluster.Tails}");
        foreach (var id in ids)
        {
            var throughB = await b.GetAsync($"/api/executions/{id}");
            Assert.Equal("completed", throughB["status"]!.GetValue<string>());
            Assert.Equal(workflow, throughB["workflow_id"]!.GetValue<string>());
            Assert.Equal((await a.GetAsync($"/api/executions/{id}")).ToJsonString(), throughB.ToJsonString());
            var runsA = await a.StepRunsAsync(id);
            var runsB = await b.StepRunsAsync(id);
            Assert.Equal(3, runsB.Count);
            Assert.Equal(runsA.ToJsonString(), runsB.ToJsonString());
            Assert.Equal(new[] { "s1", "s2", "s3" }, runsB.Select(r => r!["step_id"]!.GetValue<string>()).Order().ToArray());
        }
    }

    private static async Task<long> CompletedAsync(ClusterDatabase database) =>
        await database.ScalarAsync("SELECT count(*) FROM workflow.instances WHERE status = 'completed'");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, ClusterNodes cluster)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Bounded, $"Timed out after {Bounded.TotalSeconds} s waiting for {what}.\n{cluster.Tails}");
            await Task.Delay(100);
        }
    }

    /// <summary>A two-second timer, then an effect.</summary>
    private static JsonObject WaitThenEffect(string effectsUrl) => new()
    {
        ["name"] = "cluster-timer",
        ["steps"] = new JsonArray
        {
            new JsonObject { ["id"] = "pause", ["name"] = "pause", ["type"] = "wait", ["config"] = new JsonObject { ["duration"] = "2s" }, ["next"] = "after" },
            new JsonObject
            {
                ["id"] = "after",
                ["name"] = "after",
                ["type"] = "http",
                ["config"] = new JsonObject
                {
                    ["method"] = "POST",
                    ["url"] = effectsUrl,
                    ["body"] = new JsonObject { ["tag"] = "{{ $.input.tag }}", ["step"] = "after" },
                },
            },
        },
    };

    private static string MigrationsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Chorus.Storage.Postgres", "Migrations");
            if (Directory.Exists(candidate))
                return candidate;
        }
        Assert.Fail("src/Chorus.Storage.Postgres/Migrations was not found above " + AppContext.BaseDirectory);
        return "";
    }
}
