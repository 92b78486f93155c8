using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Executions moved onto another version while they wait (a timer, parallel events, a subflow), while a step
/// attempt is in flight, and when the move of a batch fails part way.</summary>
public sealed class MigrationTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> NoMapping = [];
    private EngineHarness _h = null!;
    private readonly HashSet<Guid> _failMoves = [];

    public async Task InitializeAsync() =>
        _h = await EngineHarness.StartAsync(engineStore: store => new InstrumentedEngineStore(store, failMoveOf: id => { lock (_failMoves) return _failMoves.Contains(id); }));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task SaveVersionAsync(Guid workflowId, string json) =>
        await new WorkflowService(_h.Store, _h.Engine.Registry, _h.Clock).UpdateAsync(EngineHarness.Tenant, workflowId, JsonNode.Parse(json)!.AsObject());

    private Task<MigrationOutcome> MigrateAsync(Guid workflowId, int toVersion, IReadOnlyList<Guid> ids, Dictionary<string, string>? mapping = null) =>
        _h.Engine.MigrateAsync(EngineHarness.Tenant, workflowId, toVersion, ids, mapping ?? NoMapping, "test");

    [Fact]
    public async Task TimerWait_MovedOntoARenamedStep_ResumesThereWhenTheTimerFires()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "timer", "steps": [
              {"id": "pause", "name": "Pause", "type": "wait", "config": {"duration": "1h"}, "next": "a"},
              {"id": "a", "name": "A", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Waiting);
        await SaveVersionAsync(wf, """
            {"name": "timer", "steps": [
              {"id": "nap", "name": "Nap", "type": "wait", "config": {"duration": "1h"}, "next": "b"},
              {"id": "b", "name": "B", "type": "count"}
            ]}
            """);

        var outcome = await MigrateAsync(wf, 2, [id], new() { ["pause"] = "nap" });

        Assert.Equal(ExecutionCommands.Moved, Assert.Single(outcome.Results).Status);
        var moved = await _h.GetAsync(id);
        Assert.Equal(2, moved.WorkflowVersion);
        Assert.Equal(StepStatus.Waiting, moved.State.Steps["nap"].Status);
        Assert.False(moved.State.Steps.ContainsKey("pause"));
        _h.Clock.Advance(TimeSpan.FromHours(1));
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "b"));
        Assert.Empty(_h.Calls.For(id, "a"));
    }

    [Fact]
    public async Task MidParallel_OneBranchArrivedAtTheJoin_TheRenamedOtherBranchCompletesIt()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "fan", "steps": [
              {"id": "fan", "name": "Fan", "type": "parallel", "next_steps": ["left", "right"]},
              {"id": "left", "name": "Left", "type": "wait", "config": {"event": "l"}, "next": "merge"},
              {"id": "right", "name": "Right", "type": "wait", "config": {"event": "r"}, "next": "merge"},
              {"id": "merge", "name": "Merge", "type": "join", "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitAsync(id, e => e.State.Steps.Values.Count(s => s.Status == StepStatus.Waiting) == 2, "both branches to wait");
        await _h.Engine.SendEventAsync(EngineHarness.Tenant, id, "l", null);
        await _h.WaitAsync(id, e => e.State.Steps["left"].Status == StepStatus.Completed, "the left branch to arrive");
        await SaveVersionAsync(wf, """
            {"name": "fan", "steps": [
              {"id": "fan", "name": "Fan", "type": "parallel", "next_steps": ["left", "right2"]},
              {"id": "left", "name": "Left", "type": "wait", "config": {"event": "l"}, "next": "merge"},
              {"id": "right2", "name": "Right", "type": "wait", "config": {"event": "r"}, "next": "merge"},
              {"id": "merge", "name": "Merge", "type": "join", "next": "after2"},
              {"id": "after2", "name": "After", "type": "count"}
            ]}
            """);

        var outcome = await MigrateAsync(wf, 2, [id], new() { ["right"] = "right2" });

        Assert.Equal(ExecutionCommands.Moved, Assert.Single(outcome.Results).Status);
        await _h.Engine.SendEventAsync(EngineHarness.Tenant, id, "r", null);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "after2"));
    }

    [Fact]
    public async Task MidSubflow_TheParentMoves_AndGoesOnOnTheNewVersionWhenItsChildEnds()
    {
        var child = await _h.CreateWorkflowAsync("""
            {"name": "child", "steps": [{"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}}]}
            """);
        var parentJson = """
            {"name": "parent", "steps": [
              {"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "__CHILD__"}, "next": "__NEXT__"},
              {"id": "__NEXT__", "name": "Next", "type": "count"}
            ]}
            """.Replace("__CHILD__", child.ToString());
        var parent = await _h.CreateWorkflowAsync(parentJson.Replace("__NEXT__", "a"));
        var id = await _h.StartAsync(parent);
        var waiting = await _h.WaitAsync(id, e => e.State.Steps["sub"].Child is not null, "the child to start");
        var childId = waiting.State.Steps["sub"].Child!.Value;
        await _h.WaitForStatusAsync(childId, ExecutionStatus.Waiting);
        await SaveVersionAsync(parent, parentJson.Replace("__NEXT__", "b"));

        var renamed = await _h.Engine.PlanMigrationAsync(EngineHarness.Tenant, parent, 2, [id], new Dictionary<string, string> { ["sub"] = "b" });
        var outcome = await MigrateAsync(parent, 2, [id]);

        Assert.Equal(MigrationReasons.StepTypeChanged, Assert.Single(renamed).Reason);
        Assert.Equal(ExecutionCommands.Moved, Assert.Single(outcome.Results).Status);
        await _h.Engine.SendEventAsync(EngineHarness.Tenant, childId, "go", null);
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "b"));
        Assert.Empty(_h.Calls.For(id, "a"));
    }

    [Fact]
    public async Task StepInFlight_TheMoveWaitsForItsCommit_ThenTheNextStepIsTheNewVersions()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "gated", "steps": [
              {"id": "g", "name": "Gate", "type": "gate", "next": "a"},
              {"id": "a", "name": "A", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitUntilAsync(() => _h.Gate.Inside == 1, "the attempt to start", nudge: false);
        await SaveVersionAsync(wf, """
            {"name": "gated", "steps": [
              {"id": "g", "name": "Gate", "type": "gate", "next": "b"},
              {"id": "b", "name": "B", "type": "count"}
            ]}
            """);

        var outcome = await MigrateAsync(wf, 2, [id]);

        var result = Assert.Single(outcome.Results);
        Assert.Equal(ExecutionCommands.PendingMove, result.Status);
        Assert.Equal(MigrationReasons.InFlight, result.Reason);
        var pending = await _h.GetAsync(id);
        Assert.Equal(1, pending.WorkflowVersion);
        Assert.Equal(2, pending.State.PendingMigration?.ToVersion);
        _h.Gate.Release();
        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Equal(2, done.WorkflowVersion);
        Assert.Null(done.State.PendingMigration);
        Assert.Single(_h.Calls.For(id, "b"));
        Assert.Empty(_h.Calls.For(id, "a"));
        var (_, moves) = await _h.Engine.GetMigrationAsync(EngineHarness.Tenant, wf, outcome.MigrationId);
        Assert.Equal(1, Assert.Single(moves).FromVersion);
    }

    [Fact]
    public async Task StepInFlight_WhenTheMigrationIsRolledBackFirst_TheExecutionStaysOnItsVersion()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "gated", "steps": [{"id": "g", "name": "Gate", "type": "gate", "next": "a"}, {"id": "a", "name": "A", "type": "count"}]}
            """);
        var id = await _h.StartAsync(wf);
        await _h.WaitUntilAsync(() => _h.Gate.Inside == 1, "the attempt to start", nudge: false);
        await SaveVersionAsync(wf, """
            {"name": "gated", "steps": [{"id": "g", "name": "Gate", "type": "gate", "next": "b"}, {"id": "b", "name": "B", "type": "count"}]}
            """);
        var outcome = await MigrateAsync(wf, 2, [id]);

        await _h.Engine.RollbackMigrationAsync(EngineHarness.Tenant, wf, outcome.MigrationId);
        _h.Gate.Release();

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Equal(1, done.WorkflowVersion);
        Assert.Single(_h.Calls.For(id, "a"));
    }

    [Fact]
    public async Task AFailureInTheMiddleOfABatch_MovesNoneOfIt_AndTheMigrationCanBeRunAgain()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "waits", "steps": [{"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}}]}
            """);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await _h.StartAsync(wf));
        foreach (var id in ids)
            await _h.WaitForStatusAsync(id, ExecutionStatus.Waiting);
        await SaveVersionAsync(wf, """
            {"name": "waits", "description": "v2", "steps": [{"id": "hold", "name": "Hold", "type": "wait", "config": {"event": "go"}}]}
            """);
        lock (_failMoves)
            _failMoves.Add(ids[1]);

        await Assert.ThrowsAnyAsync<Exception>(() => MigrateAsync(wf, 2, ids));

        foreach (var id in ids)
            Assert.Equal(1, (await _h.GetAsync(id)).WorkflowVersion);
        var failed = Assert.Single(await _h.Engine.ListMigrationsAsync(EngineHarness.Tenant, wf, 10));
        Assert.Empty((await _h.Engine.GetMigrationAsync(EngineHarness.Tenant, wf, failed.Id)).Moves);

        lock (_failMoves)
            _failMoves.Clear();
        var again = await MigrateAsync(wf, 2, ids);
        Assert.All(again.Results, r => Assert.Equal(ExecutionCommands.Moved, r.Status));
        foreach (var id in ids)
            Assert.Equal(2, (await _h.GetAsync(id)).WorkflowVersion);
    }
}
