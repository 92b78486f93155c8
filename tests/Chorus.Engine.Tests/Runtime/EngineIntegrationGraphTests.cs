using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Fan-out and join, conditional branches into a join, subflows and the seed 002 example, end to end.</summary>
public sealed class EngineIntegrationGraphTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ParallelTenBranches_JoinRunsOnceAfterAll()
    {
        var branches = Enumerable.Range(1, 10).Select(i => $"b{i}").ToList();
        var steps = new JsonArray
        {
            new JsonObject { ["id"] = "fan", ["name"] = "Fan", ["type"] = "parallel", ["next_steps"] = new JsonArray(branches.Select(b => (JsonNode?)b).ToArray()) },
        };
        foreach (var b in branches)
            steps.Add(new JsonObject { ["id"] = b, ["name"] = b, ["type"] = "count", ["next"] = "j" });
        steps.Add(new JsonObject { ["id"] = "j", ["name"] = "Join", ["type"] = "join", ["next"] = "end" });
        steps.Add(new JsonObject { ["id"] = "end", ["name"] = "End", ["type"] = "count" });
        var id = await _h.StartAsync(await _h.CreateWorkflowAsync(new JsonObject { ["name"] = "fan", ["steps"] = steps }.ToJsonString()));

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed, nudge: false);
        Assert.All(branches, b => Assert.Single(_h.Calls.For(id, b)));
        var join = Assert.Single(await _h.RunsAsync(id), r => r.StepId == "j");
        Assert.Equal("completed", join.Status);
        Assert.Equal(branches.Order(), join.Output!.AsObject().Select(p => p.Key).Order());
        // The join started only after every branch had finished.
        Assert.All((await _h.RunsAsync(id)).Where(r => branches.Contains(r.StepId)), r => Assert.True(r.FinishedAt <= join.StartedAt));
        Assert.Single(_h.Calls.For(id, "end"));
        Assert.Equal(StepStatus.Completed, done.State.Steps["j"].Status);
    }

    [Theory]
    [InlineData(1, "left", "right")]
    [InlineData(2, "right", "left")]
    public async Task Condition_SkipsTheBranchNotTaken_AndTheJoinStillRunsOnce(int x, string taken, string skipped)
    {
        var wf = await _h.CreateWorkflowAsync("""
            {"name": "branch", "steps": [
              {"id": "choose", "name": "Choose", "type": "condition",
               "config": {"conditions": [{"condition": "$.input.x == 1", "next": "left"}], "default": "right"}},
              {"id": "left", "name": "Left", "type": "count", "next": "j"},
              {"id": "right", "name": "Right", "type": "count", "next": "j"},
              {"id": "j", "name": "Join", "type": "join"}
            ]}
            """);
        var id = await _h.StartAsync(wf, new JsonObject { ["x"] = x });

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed, nudge: false);
        Assert.Single(_h.Calls.For(id, taken));
        Assert.Empty(_h.Calls.For(id, skipped));
        Assert.Equal(StepStatus.Skipped, done.State.Steps[skipped].Status);
        var join = Assert.Single(await _h.RunsAsync(id), r => r.StepId == "j");
        Assert.Equal([taken], join.Output!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task SubflowChildFails_FailsTheParentStep()
    {
        var child = await _h.CreateWorkflowAsync("""
            {"name": "child", "steps": [
              {"id": "boom", "name": "Boom", "type": "flaky", "config": {"fail_times": 9}, "retry": {"max_attempts": 1}}
            ]}
            """);
        var parent = await _h.CreateWorkflowAsync($$"""
            {"name": "parent", "steps": [
              {"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{child}}"}, "retry": {"max_attempts": 1}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(parent);

        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed, nudge: false);
        Assert.Equal("sub", failed.Error!["step_id"]!.GetValue<string>());
        var childId = failed.State.Steps["sub"].Child;
        Assert.NotNull(childId);
        var childExecution = await _h.GetAsync(childId.Value);
        Assert.Equal(ExecutionStatus.Failed, childExecution.Status);
        Assert.Equal(id, childExecution.ParentExecutionId);
        Assert.Single(_h.Calls.For(childId.Value, "boom"));
        Assert.Empty(_h.Calls.For(id, "after"));
    }

    [Fact]
    public async Task SubflowChildCompletes_ParentStepGetsItsOutput()
    {
        var child = await _h.CreateWorkflowAsync("""{"name": "child", "steps": [{"id": "c", "name": "C", "type": "count"}]}""");
        var parent = await _h.CreateWorkflowAsync($$"""
            {"name": "parent", "steps": [
              {"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{child}}"}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(parent);

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed, nudge: false);
        Assert.Equal(1, done.Context["sub"]!["attempt"]!.GetValue<int>());
        Assert.Single(_h.Calls.For(id, "after"));
    }

    [Fact]
    public async Task SubflowChildCancelledByHand_FailsTheParentStepInsteadOfWaitingForever()
    {
        var child = await _h.CreateWorkflowAsync("""{"name": "child", "steps": [{"id": "w", "name": "W", "type": "wait", "config": {"event": "never"}}]}""");
        var parent = await _h.CreateWorkflowAsync($$"""
            {"name": "parent", "steps": [
              {"id": "sub", "name": "Sub", "type": "subflow", "config": {"workflow_id": "{{child}}"}, "retry": {"max_attempts": 1}, "next": "after"},
              {"id": "after", "name": "After", "type": "count"}
            ]}
            """);
        var id = await _h.StartAsync(parent);
        var waiting = await _h.WaitAsync(id, e => e.State.Steps.TryGetValue("sub", out var s) && s.Child is not null, "the child to start", nudge: false);
        var childId = waiting.State.Steps["sub"].Child!.Value;
        await _h.WaitForStatusAsync(childId, ExecutionStatus.Waiting, nudge: false);

        await _h.Engine.CancelAsync(EngineHarness.Tenant, childId);

        var failed = await _h.WaitForStatusAsync(id, ExecutionStatus.Failed, nudge: false);
        Assert.Equal("sub", failed.Error!["step_id"]!.GetValue<string>());
        Assert.Contains("cancelled", failed.Error["message"]!.GetValue<string>());
        Assert.Empty(_h.Calls.For(id, "after"));
    }

    /// <summary>Seed 002's "Workflow Schema Example", with send_email (not a Chorus action) as log_message.</summary>
    private const string Seed002 = """
        {"steps": [
          {"id": "validate_input", "name": "Validate Input Data", "type": "condition",
           "conditions": [{"field": "email", "operator": "contains", "value": "@"}],
           "next_steps": ["send_welcome", "send_error"]},
          {"id": "send_welcome", "name": "Send Welcome Email", "type": "action",
           "config": {"action": "log_message", "message": "Welcome {{variables.email}}!", "level": "info"},
           "next_steps": ["log_success"]},
          {"id": "send_error", "name": "Log Invalid Email", "type": "action",
           "config": {"action": "log_message", "message": "Invalid email provided: {{variables.email}}", "level": "error"}},
          {"id": "log_success", "name": "Log Success", "type": "action",
           "config": {"action": "log_message", "message": "Welcome email sent successfully", "level": "info"}}
        ]}
        """;

    [Theory]
    [InlineData("ada@example.com", new[] { "validate_input", "send_welcome", "log_success" }, new[] { "send_error" })]
    [InlineData("not-an-email", new[] { "validate_input", "send_error" }, new[] { "send_welcome", "log_success" })]
    public async Task Seed002Example_RoutesByEmailValidity(string email, string[] ran, string[] skipped)
    {
        var id = await _h.StartAsync(await _h.CreateWorkflowAsync(Seed002), new JsonObject { ["email"] = email });

        var done = await _h.WaitForStatusAsync(id, ExecutionStatus.Completed, nudge: false);
        Assert.All(ran, s => Assert.Equal(StepStatus.Completed, done.State.Steps[s].Status));
        Assert.All(skipped, s => Assert.Equal(StepStatus.Skipped, done.State.Steps[s].Status));
        Assert.Equal(ran.Order(), (await _h.RunsAsync(id)).Select(r => r.StepId).Order());
        var logs = await _h.Store.GetLogsAsync(EngineHarness.Tenant, id, CancellationToken.None);
        Assert.Contains(logs, l => l.Message.Contains(email, StringComparison.Ordinal));
    }
}
