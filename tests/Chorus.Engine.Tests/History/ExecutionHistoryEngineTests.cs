using System.Text.Json.Nodes;
using Chorus.Engine.History;
using Chorus.Engine.Storage;
using Chorus.Engine.Tests.Runtime;

namespace Chorus.Engine.Tests.History;

/// <summary>History and re-runs on a real engine and SQLite file, for what the API tests do not reach: retried and
/// routed failures, an execution failed or cancelled, and re-runs that must not call a step with effects again.</summary>
public sealed class ExecutionHistoryEngineTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private const string OnError = """
        {"name": "on-error", "steps": [
          {"id": "a", "name": "A", "type": "flaky", "config": {"fail_times": 9}, "retry": {"max_attempts": 2, "initial_interval": "1s"},
           "next": "b", "on_error": "handler"},
          {"id": "b", "name": "B", "type": "count"},
          {"id": "handler", "name": "Handler", "type": "count"}
        ]}
        """;

    private async Task<(Guid Id, ExecutionRecord Done)> RunOnErrorAsync()
    {
        var id = await _h.StartAsync(await _h.CreateWorkflowAsync(OnError));
        await _h.WaitAsync(id, e => e.State.Steps["a"].Attempt == 2, "attempt 1 to fail", nudge: false);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        return (id, await _h.WaitForStatusAsync(id, ExecutionStatus.Completed));
    }

    [Fact]
    public async Task History_WithARetriedThenRoutedFailure_RebuildsEachPointAndEndsAtTheEnginesContext()
    {
        var (id, done) = await RunOnErrorAsync();

        var history = await _h.Engine.HistoryAsync(EngineHarness.Tenant, id);

        Assert.Equal(["start", "failed", "failed", "completed"], history.Points.Select(p => p.Kind));
        Assert.Equal([null, 1, 2, 1], history.Points.Select(p => p.Attempt));
        Assert.Equal(["running", "running", "running", "completed"], history.Points.Select(p => p.Status));
        // The retried attempt left the context alone; the one routed to on_error put its error where output goes.
        Assert.False(history.ContextAt(1).ContainsKey("a"));
        Assert.Equal("a", history.ContextAt(2)["a"]!["error"]!["step_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(done.Context, history.ContextAt(3)), $"{done.Context} vs {history.ContextAt(3)}");
    }

    [Fact]
    public async Task Rerun_AfterTheRoutedFailure_CallsNoStepAgain_AndLiveCallsOnlyTheStepsAfterThePoint()
    {
        var (id, _) = await RunOnErrorAsync();
        Assert.Equal(2, _h.Calls.For(id, "a").Count);

        var stubbed = await _h.Engine.RerunFromPointAsync(EngineHarness.Tenant, id, point: 2, live: false);
        var stubbedDone = await _h.WaitForStatusAsync(stubbed.Id, ExecutionStatus.Completed);
        var live = await _h.Engine.RerunFromPointAsync(EngineHarness.Tenant, id, point: 2, live: true);
        var liveDone = await _h.WaitForStatusAsync(live.Id, ExecutionStatus.Completed);

        Assert.True(stubbedDone.IsTest);
        Assert.Empty(_h.Calls.For(stubbed.Id));
        Assert.Empty(_h.Calls.For(live.Id, "a"));
        Assert.Single(_h.Calls.For(live.Id, "handler"));
        Assert.Equal(StepStatus.Skipped, liveDone.State.Steps["b"].Status);
        var original = await _h.GetAsync(id);
        Assert.True(JsonNode.DeepEquals(original.Context["a"], stubbedDone.Context["a"]));
        Assert.True(JsonNode.DeepEquals(original.Context["handler"], stubbedDone.Context["handler"]));
        var logs = await _h.Store.GetLogsAsync(EngineHarness.Tenant, stubbed.Id, CancellationToken.None);
        Assert.Contains(logs, l => l.StepId == "handler" && l.Message == StepStub.LogMessage);
    }

    [Fact]
    public async Task History_OfAFailedAndOfACancelledExecution_EndsWithTheirStatus()
    {
        var failing = await _h.CreateWorkflowAsync("""
            {"name": "fails", "steps": [{"id": "a", "type": "flaky", "config": {"fail_times": 9}, "retry": {"max_attempts": 1}}]}
            """);
        var failed = await _h.StartAsync(failing);
        await _h.WaitForStatusAsync(failed, ExecutionStatus.Failed);
        var waiting = await _h.CreateWorkflowAsync("""
            {"name": "waits", "steps": [{"id": "hold", "type": "wait", "config": {"event": "go"}}]}
            """);
        var cancelled = await _h.StartAsync(waiting);
        await _h.WaitForStatusAsync(cancelled, ExecutionStatus.Waiting);
        await _h.Engine.CancelAsync(EngineHarness.Tenant, cancelled);

        var failedHistory = await _h.Engine.HistoryAsync(EngineHarness.Tenant, failed);
        var cancelledHistory = await _h.Engine.HistoryAsync(EngineHarness.Tenant, cancelled);

        Assert.Equal(["start", "failed"], failedHistory.Points.Select(p => p.Kind));
        Assert.Equal("failed", failedHistory.Points[^1].Status);
        Assert.False(failedHistory.ContextAt(1).ContainsKey("a"));
        Assert.Equal(["start", "waiting", "end"], cancelledHistory.Points.Select(p => p.Kind));
        Assert.Equal(["running", "waiting", "cancelled"], cancelledHistory.Points.Select(p => p.Status));
    }

    [Fact]
    public async Task History_OfAnotherTenantsExecution_IsNotFound()
    {
        var id = await _h.StartAsync(await _h.CreateWorkflowAsync("""{"name": "one", "steps": [{"id": "a", "type": "count"}]}"""));
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);

        var error = await Assert.ThrowsAsync<ChorusException>(() => _h.Engine.HistoryAsync(new TenantId("other"), id));
        var rerun = await Assert.ThrowsAsync<ChorusException>(() => _h.Engine.RerunFromPointAsync(new TenantId("other"), id, 0, live: false));

        Assert.Equal(ErrorCodes.ExecutionNotFound, error.Code);
        Assert.Equal(ErrorCodes.ExecutionNotFound, rerun.Code);
    }
}
