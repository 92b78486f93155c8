using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Storage.Postgres;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>Every connection of two nodes is cut in the middle of a run, as a database failover or a proxy
/// restart does: the nodes reconnect, and every execution still completes with each step committed once.</summary>
public sealed class ConnectionLossTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("t1");
    private TwoNodeCluster _nodes = null!;

    public async Task InitializeAsync() => _nodes = await TwoNodeCluster.StartAsync(new EngineOptions
    {
        LeaseDuration = TimeSpan.FromSeconds(2), CheckInterval = TimeSpan.FromSeconds(1),
        // One tenant may hold every slot, as when this test was written: it is about the cut, not the share.
        MaxConcurrentWorkflows = 50, Limits = new ExecutionLimits { TenantSlotShare = 1.0 },
    }, BuiltInSteps.CreateRegistry().Register(new SlowStep()));

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task AllConnectionsCutMidRun_EveryExecutionCompletes_EachStepCommittedOnce()
    {
        const int executions = 200;
        var (store, engine) = _nodes[0];
        var (workflow, _) = await new WorkflowService(store, engine.Registry, TimeProvider.System).CreateAsync(Tenant,
            JsonNode.Parse("""
                {"name": "cut", "status": "active", "steps": [
                  {"id": "a", "type": "slow", "next": "w"},
                  {"id": "w", "type": "wait", "config": {"duration": "100ms"}, "next": "b"},
                  {"id": "b", "type": "slow"}]}
                """)!.AsObject(), author: null, CancellationToken.None);
        var started = new ConcurrentBag<Guid>();
        // More than MAX_CONCURRENT_WORKFLOWS, so pending executions must also be admitted after the cut.
        await Parallel.ForEachAsync(Enumerable.Range(0, executions), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            started.Add((await _nodes[i % 2].Engine.StartExecutionAsync(Tenant, workflow.Id, null)).Id));

        await WaitUntilAsync(async () => await CountAsync("status = 'completed'") >= executions / 4, TimeSpan.FromSeconds(60));
        var cut = await PostgresTestDatabase.ScalarAsync(_nodes.Url,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        var completedAtCut = await CountAsync("status = 'completed'");

        await WaitUntilAsync(async () => await CountAsync("status IN ('completed', 'failed', 'cancelled')") == executions, TimeSpan.FromSeconds(120));

        Assert.True(cut >= 4, $"Only {cut} connections were cut; both nodes should have had several open.");
        Assert.True(completedAtCut < executions, "Everything had completed before the cut; it tested nothing.");
        Assert.Equal(executions, started.Count);
        Assert.Equal(executions, await CountAsync("status = 'completed'"));
        Assert.Equal(0, await PostgresTestDatabase.ScalarAsync(_nodes.Url,
            "SELECT count(*) FROM (SELECT execution_id, step_id FROM workflow.steps WHERE status = 'completed' " +
            "GROUP BY execution_id, step_id HAVING count(*) <> 1) twice"));
        Assert.Equal(executions * 3, await PostgresTestDatabase.ScalarAsync(_nodes.Url, "SELECT count(*) FROM workflow.steps WHERE status = 'completed'"));
        Assert.Equal(0, await PostgresTestDatabase.ScalarAsync(_nodes.Url, "SELECT count(*) FROM workflow.work_items"));
    }

    private Task<long> CountAsync(string where) =>
        PostgresTestDatabase.ScalarAsync(_nodes.Url, $"SELECT count(*) FROM workflow.instances WHERE {where}");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(50);
        }
    }

    /// <summary>Keeps work in flight long enough for the cut to catch some of it mid-step.</summary>
    private sealed class SlowStep : IStepHandler
    {
        public string Type => "slow";

        public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(20, cancellationToken);
            return new StepResult.Completed(new JsonObject { ["done"] = true });
        }
    }
}
