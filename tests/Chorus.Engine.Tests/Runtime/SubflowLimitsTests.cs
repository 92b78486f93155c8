using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Subflows that call themselves or each other: the depth limit, the cycle check, children of workflows
/// that cannot start, and errors that keep one size however deep the chain.</summary>
public sealed class SubflowLimitsTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxSubflowDepth = 3 } });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A workflow whose step "sub" runs the workflow named by the input's "wf" (so it can name itself).</summary>
    private static string SelfCalling(bool? recursive) => """
        {"name": "self", "steps": [
          {"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{variables.wf}}"RECURSIVE}, "retry": {"max_attempts": 1}}
        ]}
        """.Replace("RECURSIVE", recursive is { } r ? $", \"recursive\": {r.ToString().ToLowerInvariant()}" : "");

    [Fact]
    public async Task SelfCallingSubflow_WithoutRecursive_FailsWithSubflowCycle_AndStartsNoChild()
    {
        var wf = await _h.CreateWorkflowAsync(SelfCalling(recursive: null));
        var id = await _h.StartAsync(wf, new JsonObject { ["wf"] = wf.ToString() });

        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed, nudge: false);
        Assert.Equal("subflow_cycle", failed.Error!["code"]!.GetValue<string>());
        Assert.Contains(wf.ToString(), failed.Error["message"]!.GetValue<string>());
        Assert.Contains("'self'", failed.Error["message"]!.GetValue<string>());
        Assert.Null(failed.State.Steps["sub"].Child);
        Assert.Single(await _h.ExecutionsOfAsync(wf));
    }

    [Fact]
    public async Task MutualSubflows_TheStepClosingTheCycle_FailsWithSubflowCycle()
    {
        var b = await _h.CreateWorkflowAsync(SelfCalling(recursive: false).Replace("\"self\"", "\"b\""));
        var a = await _h.CreateWorkflowAsync("""
            {"name": "a", "steps": [{"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "CHILD"}, "retry": {"max_attempts": 1}}]}
            """.Replace("CHILD", b.ToString()));
        var root = await _h.StartAsync(a, new JsonObject { ["wf"] = a.ToString() });

        var failed = await _h.WaitForStatusAsync(root, ExecutionStatus.Failed, nudge: false);
        var child = await _h.GetAsync(failed.State.Steps["sub"].Child!.Value);
        Assert.Equal(b, child.WorkflowId);
        Assert.Equal("subflow_cycle", child.Error!["code"]!.GetValue<string>());
        Assert.Contains(a.ToString(), child.Error["message"]!.GetValue<string>());
        Assert.Null(child.State.Steps["sub"].Child);
        // The root reports its child's failure and, flat, the first cause down the chain.
        Assert.Equal("subflow_cycle", failed.Error!["details"]!["cause"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RecursiveSubflow_StopsAtTheDepthLimit_WithSubflowDepthExceeded()
    {
        var wf = await _h.CreateWorkflowAsync(SelfCalling(recursive: true));
        var root = await _h.StartAsync(wf, new JsonObject { ["wf"] = wf.ToString() });

        await _h.WaitForStatusAsync(root, ExecutionStatus.Failed, nudge: false);
        var chain = await _h.ExecutionsOfAsync(wf);
        Assert.Equal(4, chain.Count); // depths 0 to 3
        Assert.All(chain, e => Assert.Equal(ExecutionStatus.Failed, e.Status));
        var deepest = Assert.Single(chain, e => e.State.Steps["sub"].Child is null);
        Assert.Equal(3, deepest.State.Lineage!.Depth);
        Assert.Equal("subflow_depth_exceeded", deepest.Error!["code"]!.GetValue<string>());
        Assert.Contains("depth 4", deepest.Error["message"]!.GetValue<string>());
        Assert.Contains("limit is 3", deepest.Error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RecursiveFlag_MustBeABoolean()
    {
        var ex = await Assert.ThrowsAsync<ChorusException>(() => _h.CreateWorkflowAsync(
            """{"name": "x", "steps": [{"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{variables.wf}}", "recursive": "yes"}}]}"""));
        Assert.Contains("config.recursive", ex.Details!.ToJsonString());
    }

    private async Task<Guid> ParentOfAsync(Guid child) => await _h.CreateWorkflowAsync("""
        {"name": "parent", "steps": [{"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "CHILD"}, "retry": {"max_attempts": 1}}]}
        """.Replace("CHILD", child.ToString()));

    [Fact]
    public async Task ChildOfAnArchivedWorkflow_DoesNotStart()
    {
        var child = await _h.CreateWorkflowAsync("""{"name": "child", "steps": [{"id": "c", "name": "C", "type": "count"}]}""");
        var parent = await ParentOfAsync(child);
        await new WorkflowService(_h.Store, _h.Engine.Registry, _h.Clock).SetStatusAsync(EngineHarness.Tenant, child, WorkflowStatus.Archived, author: null, CancellationToken.None);

        var failed = await _h.WaitForStatusAsync(await _h.StartAsync(parent), ExecutionStatus.Failed, nudge: false);
        Assert.Equal("subflow_workflow_unavailable", failed.Error!["code"]!.GetValue<string>());
        Assert.Contains("archived", failed.Error["message"]!.GetValue<string>());
        Assert.Empty(await _h.ExecutionsOfAsync(child));
    }

    [Fact]
    public async Task ChildOfADeletedWorkflow_DoesNotStart()
    {
        var child = await _h.CreateWorkflowAsync("""{"name": "child", "steps": [{"id": "c", "name": "C", "type": "count"}]}""");
        var parent = await ParentOfAsync(child);
        Assert.True(await _h.Store.DeleteWorkflowAsync(EngineHarness.Tenant, child, CancellationToken.None));

        var failed = await _h.WaitForStatusAsync(await _h.StartAsync(parent), ExecutionStatus.Failed, nudge: false);
        Assert.Equal("subflow_workflow_unavailable", failed.Error!["code"]!.GetValue<string>());
        Assert.Empty(await _h.ExecutionsOfAsync(child));
    }

    [Fact]
    public async Task ChildOfADraftWorkflow_StillStarts()
    {
        var child = await _h.CreateWorkflowAsync("""{"name": "child", "status": "draft", "steps": [{"id": "c", "name": "C", "type": "count"}]}""");
        var done = await _h.WaitForStatusAsync(await _h.StartAsync(await ParentOfAsync(child)), ExecutionStatus.Completed, nudge: false);
        Assert.NotNull(done.State.Steps["sub"].Child);
    }
}
