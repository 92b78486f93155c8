using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Retries, backoff, exhaustion, on_error routes and manual retry, on a real engine and SQLite file,
/// with time skipped by a manual clock.</summary>
public sealed class EngineIntegrationRetryTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string TwoSteps(string firstType, string firstExtra) => $$"""
        {"name": "retry", "steps": [
          {"id": "a", "name": "A", "type": "{{firstType}}", {{firstExtra}}, "next": "b"},
          {"id": "b", "name": "B", "type": "count"}
        ]}
        """;

    [Fact]
    public async Task FailingStep_IsRetriedWithGrowingBackoff_OnlyOnceTheDelayHasPassed()
    {
        var wf = await _h.CreateWorkflowAsync(TwoSteps("flaky",
            "\"config\": {\"fail_times\": 2}, \"retry\": {\"max_attempts\": 3, \"initial_interval\": \"1s\", \"backoff_coefficient\": 2}"));
        var id = await _h.StartAsync(wf);

        // Attempt 1 fails at once; attempt 2 is due 1 s after that failure, attempt 3 2 s after attempt 2's.
        foreach (var (failedAttempt, delay) in new[] { (1, TimeSpan.FromSeconds(1)), (2, TimeSpan.FromSeconds(2)) })
        {
            await _h.WaitAsync(id, e => e.State.Steps["a"].Attempt == failedAttempt + 1, $"attempt {failedAttempt} to fail", nudge: false);
            var failedRun = (await _h.RunsAsync(id)).Single(r => r.StepId == "a" && r.Attempt == failedAttempt);
            Assert.Equal("failed", failedRun.Status);
            var due = failedRun.FinishedAt!.Value + delay;

            _h.Clock.Advance(due - _h.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1));
            await EngineHarness.QuietPeriodAsync();
            Assert.Equal(failedAttempt, _h.Calls.For(id, "a").Count);

            _h.Clock.Advance(TimeSpan.FromMilliseconds(1));
            await _h.WaitUntilAsync(() => _h.Calls.For(id, "a").Count == failedAttempt + 1, $"attempt {failedAttempt + 1}", nudge: true);
        }

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Equal([1, 2, 3], _h.Calls.For(id, "a").Select(c => c.Attempt));
        var runs = (await _h.RunsAsync(id)).Where(r => r.StepId == "a").OrderBy(r => r.Attempt).ToList();
        Assert.Equal(["failed", "failed", "completed"], runs.Select(r => r.Status));
        var firstGap = runs[1].StartedAt - runs[0].FinishedAt!.Value;
        var secondGap = runs[2].StartedAt - runs[1].FinishedAt!.Value;
        Assert.True(firstGap >= TimeSpan.FromSeconds(1), $"first backoff {firstGap}");
        Assert.True(secondGap >= TimeSpan.FromSeconds(2), $"second backoff {secondGap}");
        Assert.True(secondGap > firstGap, "the backoff grows");
        Assert.Single(_h.Calls.For(id, "b"));
        Assert.Equal(3, done.State.Steps["a"].Attempt);
    }

    [Fact]
    public async Task RetriesExhausted_ExecutionFailsNamingTheStep_AndSuccessorNeverRuns()
    {
        var wf = await _h.CreateWorkflowAsync(TwoSteps("flaky",
            "\"config\": {\"fail_times\": 9}, \"retry\": {\"max_attempts\": 2, \"initial_interval\": \"1s\"}"));
        var id = await _h.StartAsync(wf);
        await _h.WaitAsync(id, e => e.State.Steps["a"].Attempt == 2, "attempt 1 to fail", nudge: false);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));

        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed);
        Assert.Equal("a", failed.Error!["step_id"]!.GetValue<string>());
        Assert.Equal("flaky_failure", failed.Error["code"]!.GetValue<string>());
        Assert.Equal(2, _h.Calls.For(id, "a").Count);
        Assert.Empty(_h.Calls.For(id, "b"));
        Assert.All((await _h.RunsAsync(id)).Where(r => r.StepId == "a"), r => Assert.Equal("failed", r.Status));
    }

    [Fact]
    public async Task StepRetryLimitFromOptions_AppliesWithoutAPolicy_ThenManualRetryStartsAFreshAttempt()
    {
        var wf = await _h.CreateWorkflowAsync(TwoSteps("flaky", "\"config\": {\"fail_times\": 3}"));
        var id = await _h.StartAsync(wf);
        for (var attempt = 1; attempt < 3; attempt++)
        {
            var next = attempt + 1;
            await _h.WaitAsync(id, e => e.State.Steps["a"].Attempt == next, $"attempt {attempt} to fail", nudge: false);
            _h.Clock.Advance(TimeSpan.FromSeconds(2 * attempt));
        }
        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed);
        Assert.Equal("a", failed.Error!["step_id"]!.GetValue<string>());
        Assert.Equal(3, _h.Calls.For(id, "a").Count);

        var retried = await _h.Engine.RetryAsync(EngineHarness.Tenant, id);
        Assert.Equal(ExecutionStatus.Running, retried.Status);
        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Equal([1, 2, 3, 4], _h.Calls.For(id, "a").Select(c => c.Attempt));
        Assert.Equal(4, done.State.Steps["a"].Attempt);
        Assert.Equal("completed", (await _h.RunsAsync(id)).Single(r => r.StepId == "a" && r.Attempt == 4).Status);
        Assert.Single(_h.Calls.For(id, "b"));
        Assert.Null(done.Error);
    }

    [Fact]
    public async Task StepWithOnError_FailsForGood_TakesTheErrorRouteInsteadOfNext()
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "on-error", "steps": [
              {"id": "a", "name": "A", "type": "flaky", "config": {"fail_times": 9}, "retry": {"max_attempts": 1}, "next": "b", "on_error": "handler"},
              {"id": "b", "name": "B", "type": "count"},
              {"id": "handler", "name": "Handler", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(wf);

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);
        Assert.Single(_h.Calls.For(id, "handler"));
        Assert.Empty(_h.Calls.For(id, "b"));
        Assert.Equal(StepStatus.Skipped, done.State.Steps["b"].Status);
        Assert.Equal("a", done.Context["a"]!["error"]!["step_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handler_ReceivesIdempotencyKey_ExecutionStepAttempt()
    {
        var wf = await _h.CreateWorkflowAsync(TwoSteps("flaky", "\"config\": {\"fail_times\": 1}, \"retry\": {\"initial_interval\": \"1s\"}"));
        var id = await _h.StartAsync(wf);
        await _h.WaitAsync(id, e => e.State.Steps["a"].Attempt == 2, "attempt 1 to fail", nudge: false);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitForStatusAsync(id, ExecutionStatus.Completed);

        Assert.Equal([$"{id}:a:1", $"{id}:a:2"], _h.Calls.For(id, "a").Select(c => c.IdempotencyKey));
        Assert.Equal($"{id}:b:1", Assert.Single(_h.Calls.For(id, "b")).IdempotencyKey);
    }
}
