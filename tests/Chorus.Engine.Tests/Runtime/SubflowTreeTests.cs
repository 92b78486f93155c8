using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Large trees of subflows: cancelling the root ends every descendant however deep or wide the tree
/// (the old recursive unwinding overflowed the stack), in transactions of bounded size, and a failure deep down
/// reaches the root as a summary of constant size.</summary>
public sealed class SubflowTreeTests : IAsyncLifetime
{
    private const int ChainDepth = 1500;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);
    private EngineHarness _h = null!;
    private InstrumentedEngineStore _store = null!;

    public async Task InitializeAsync() =>
        _h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxSubflowDepth = ChainDepth } },
            store => _store = new InstrumentedEngineStore(store));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task RecursiveChainUpToTheDepthLimit_CancellingTheRoot_EndsEveryDescendant()
    {
        // Each execution runs itself as a child until the depth limit refuses one; that last one then waits.
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "chain", "steps": [
              {"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{variables.wf}}", "recursive": true},
               "retry": {"max_attempts": 1}, "on_error": "hold"},
              {"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "never"}}
            ]}
            """);
        var root = await _h.StartAsync(wf, new JsonObject { ["wf"] = wf.ToString() });
        await WaitForCountAsync(wf, ExecutionStatus.Waiting, ChainDepth + 1);
        Assert.Equal(0, await CountAsync(wf, ExecutionStatus.Running));

        await _h.Engine.CancelAsync(EngineHarness.Tenant, root);

        await WaitForCountAsync(wf, ExecutionStatus.Cancelled, ChainDepth + 1);
        Assert.Equal(0, await CountAsync(wf, ExecutionStatus.Waiting));
        Assert.Equal(0, await CountAsync(wf, ExecutionStatus.Running));
    }

    /// <summary>The engine's own recursion survived a few thousand levels in the test host and overflowed the
    /// stack at twelve thousand; building such a chain step by step takes minutes, so this one is written to the
    /// store directly, in the shape the engine gives it (each execution waiting on its subflow step's child).</summary>
    [Fact]
    public async Task CancellingTheRootOfAChainTwentyThousandDeep_EndsEveryDescendantWithoutRecursion()
    {
        const int depth = 20_000;
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "deep", "steps": [{"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{variables.wf}}", "recursive": true}}]}
            """);
        var ids = Enumerable.Range(0, depth + 1).Select(_ => Guid.NewGuid()).ToArray();
        // Through the engine's committer: the embedded store has one writer connection, and the engine holds it.
        await _h.Engine.CommitAsync(async s =>
        {
            for (var level = 0; level <= depth; level++)
                await s.Tx.InsertExecutionAsync(Waiting(wf, ids[level], level == 0 ? null : ids[level - 1], level < depth ? ids[level + 1] : null, level));
            return true;
        }, CancellationToken.None);

        await _h.Engine.CancelAsync(EngineHarness.Tenant, ids[0]);

        await WaitForCountAsync(wf, ExecutionStatus.Cancelled, depth + 1);
        Assert.Equal(0, await CountAsync(wf, ExecutionStatus.Waiting));
    }

    private ExecutionRecord Waiting(Guid workflowId, Guid id, Guid? parent, Guid? child, int depth)
    {
        var state = new ExecutionState { Lineage = depth == 0 ? null : new SubflowLineage { Depth = depth, Workflows = [workflowId] } };
        state.Steps["sub"] = new StepState { Status = StepStatus.Waiting, Child = child };
        return new ExecutionRecord
        {
            Tenant = EngineHarness.Tenant, Id = id, WorkflowId = workflowId, WorkflowVersion = 1, Status = ExecutionStatus.Waiting,
            Mode = ExecutionMode.Automatic, Context = new JsonObject(), State = state, ParentExecutionId = parent,
            ParentStepId = parent is null ? null : "sub", CreatedAt = _h.Clock.GetUtcNow(), StartedAt = _h.Clock.GetUtcNow(),
        };
    }

    [Fact]
    public async Task CancellingTheRootOfAWideTree_EndsEveryDescendant()
    {
        var leaf = await _h.CreateWorkflowAsync("""{"name": "leaf", "steps": [{"id": "w", "name": "W", "type": "wait", "config": {"event": "never"}}]}""");
        var mid = await _h.CreateWorkflowAsync(FanOut("mid", leaf, 20));
        var top = await _h.CreateWorkflowAsync(FanOut("top", mid, 30));
        var root = await _h.StartAsync(top);
        await WaitForCountAsync(leaf, ExecutionStatus.Waiting, 600);
        await WaitForCountAsync(mid, ExecutionStatus.Waiting, 30);

        await _h.Engine.CancelAsync(EngineHarness.Tenant, root);

        await WaitForCountAsync(leaf, ExecutionStatus.Cancelled, 600);
        await WaitForCountAsync(mid, ExecutionStatus.Cancelled, 30);
        Assert.Equal(0, await CountAsync(leaf, ExecutionStatus.Waiting));
        Assert.Equal(0, await CountAsync(mid, ExecutionStatus.Waiting));
        // 631 executions ended, but no transaction ended more than its share (the root and 500 descendants):
        // the rest were ended by the work items those transactions left.
        Assert.InRange(_store.MostCancelledInOneTransaction, 1, 501);
    }

    /// <summary>A parallel step whose branches each run <paramref name="child"/> as a subflow.</summary>
    private static string FanOut(string name, Guid child, int width)
    {
        var branches = Enumerable.Range(1, width).Select(i => $"s{i}").ToList();
        var steps = new JsonArray
        {
            new JsonObject { ["id"] = "fan", ["name"] = "Fan", ["type"] = "parallel", ["next_steps"] = new JsonArray(branches.Select(b => (JsonNode?)b).ToArray()) },
        };
        foreach (var b in branches)
            steps.Add(new JsonObject { ["id"] = b, ["name"] = b, ["type"] = "subflow", ["config"] = new JsonObject { ["workflow_id"] = child.ToString() } });
        return new JsonObject { ["name"] = name, ["steps"] = steps }.ToJsonString();
    }

    private async Task<int> CountAsync(Guid workflowId, ExecutionStatus status) =>
        (await _h.Store.ListExecutionsAsync(EngineHarness.Tenant, new ExecutionQuery { WorkflowId = workflowId, Status = status, Limit = 1 }, CancellationToken.None)).Total;

    /// <summary>Bounded in real time; building and ending a tree of a thousand executions takes a few seconds.</summary>
    private async Task WaitForCountAsync(Guid workflowId, ExecutionStatus status, int count)
    {
        var clock = Stopwatch.StartNew();
        int seen;
        while ((seen = await CountAsync(workflowId, status)) < count)
        {
            Assert.True(clock.Elapsed < Bound, $"Timed out waiting for {count} {status} executions; {seen} so far");
            await Task.Delay(50);
        }
        Assert.Equal(count, seen);
    }

    [Fact]
    public async Task LeafFailsAtTheEndOfAFiveLevelChain_EachParentSummarisesItsChild_ErrorsDoNotGrow()
    {
        var next = await _h.CreateWorkflowAsync("""
            {"name": "leaf", "steps": [{"id": "boom", "name": "Boom", "type": "flaky", "config": {"fail_times": 9}, "retry": {"max_attempts": 1}}]}
            """);
        for (var level = 3; level >= 0; level--)
            next = await _h.CreateWorkflowAsync("""
                {"name": "LEVEL", "steps": [{"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "CHILD"}, "retry": {"max_attempts": 1}}]}
                """.Replace("LEVEL", $"level{level}").Replace("CHILD", next.ToString()));
        var root = await _h.WaitForStatusAsync(await _h.StartAsync(next), ExecutionStatus.Failed, nudge: false);

        var errors = new List<JsonObject>();
        for (var e = root; ; e = await _h.GetAsync(e.State.Steps["sub"].Child!.Value))
        {
            errors.Add(e.Error!);
            if (!e.State.Steps.ContainsKey("sub"))
                break;
            var details = e.Error!["details"]!;
            Assert.Equal(e.State.Steps["sub"].Child.ToString(), details["child_execution_id"]!.GetValue<string>());
            Assert.Equal("failed", details["child_status"]!.GetValue<string>());
            Assert.Equal("boom", details["cause"]!["step_id"]!.GetValue<string>());
        }
        Assert.Equal(5, errors.Count);
        // Every parent's error has the same shape and depth, so the root's is no bigger than its child's.
        Assert.All(errors.SkipLast(1), e => Assert.True(Depth(e) <= 3, $"error too deep: {e.ToJsonString()}"));
        Assert.True(errors[0].ToJsonString().Length < 2048, errors[0].ToJsonString());
        Assert.Equal(Depth(errors[0]), Depth(errors[3]));
    }

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonArray a => 1 + a.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
