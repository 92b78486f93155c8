using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>The JSON budget and the loop budget, end to end on a real engine: the step that would break a limit
/// fails with the limit's code, nothing over the limit is written, and the execution stays readable.</summary>
public sealed class ExecutionLimitsTests
{
    private static string DottedPath(int segments) => string.Join('.', Enumerable.Range(0, segments).Select(i => $"s{i}"));

    private static async Task<ExecutionRecord> RunToEndAsync(EngineHarness h, string steps, JsonNode? input = null)
    {
        var id = await h.StartAsync(await h.CreateWorkflowAsync("{\"name\": \"limits\", \"steps\": " + steps + "}"), input);
        return await h.WaitAsync(id, e => e.IsTerminal, "the execution to end");
    }

    private static void AssertFailedWith(ExecutionRecord e, string stepId, string code)
    {
        Assert.Equal(ExecutionStatus.Failed, e.Status);
        Assert.Equal((stepId, code), (e.Error!["step_id"]!.GetValue<string>(), e.Error["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task FieldPathFromATemplate_DeeperThanTheLimit_FailsWithJsonTooDeep_AndTheExecutionStaysReadable()
    {
        await using var h = await EngineHarness.StartAsync();

        var done = await RunToEndAsync(h, """[{"id": "deep", "type": "addField", "config": {"field": "{{ $.input.path }}", "value": 1}}]""",
            new JsonObject { ["path"] = DottedPath(80) });

        AssertFailedWith(done, "deep", "json_too_deep");
        Assert.Single(await h.ExecutionsOfAsync(done.WorkflowId));
    }

    [Fact]
    public async Task ValueAsDeepAsTheLimit_IsWrittenAndReadBack()
    {
        await using var h = await EngineHarness.StartAsync();

        // 65 segments: a variable nesting 64 objects, inside the context's two levels.
        var done = await RunToEndAsync(h, """[{"id": "deep", "type": "addField", "config": {"field": "PATH", "value": 1}}]""".Replace("PATH", DottedPath(65)));

        Assert.Equal(ExecutionStatus.Completed, done.Status);
        var leaf = done.Context["variables"]!;
        for (var i = 0; i < 65; i++)
            leaf = leaf[$"s{i}"]!;
        Assert.Equal(1, leaf.GetValue<int>());
    }

    [Fact]
    public async Task ArrayIndexFromATemplate_AboveTheLimit_FailsWithArrayIndexTooLarge()
    {
        await using var h = await EngineHarness.StartAsync();

        var done = await RunToEndAsync(h, """[{"id": "idx", "type": "addField", "config": {"field": "x[{{ $.input.i }}]", "value": 1}}]""",
            new JsonObject { ["i"] = 10_001 });

        AssertFailedWith(done, "idx", "array_index_too_large");
        Assert.Null(done.Context["variables"]!["x"]);
    }

    [Fact]
    public async Task OutputLargerThanTheLimit_FailsWithStepOutputTooLarge_WithoutRetrying()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxStepOutputBytes = 4096 } });

        var done = await RunToEndAsync(h, """[{"id": "big", "type": "addField", "config": {"field": "x", "value": "{{ $.input.text }}"}}]""",
            new JsonObject { ["text"] = new string('x', 3000) });

        AssertFailedWith(done, "big", "step_output_too_large");
        Assert.Single(await h.RunsAsync(done.Id), r => r.StepId == "big");
        Assert.Null(done.Context["big"]);
    }

    [Fact]
    public async Task ContextLargerThanTheLimit_FailsWithContextTooLarge_AndKeepsTheContextAsItWas()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxStepOutputBytes = 8192, MaxContextBytes = 20_000 } });
        var write = (string id, string next) =>
            """{"id": "ID", "type": "addField", "config": {"field": "ID", "value": "{{ $.input.text }}"}NEXT}""".Replace("ID", id).Replace("NEXT", next);

        var done = await RunToEndAsync(h, $"[{write("a", ", \"next\": \"b\"")}, {write("b", ", \"next\": \"c\"")}, {write("c", "")}]",
            new JsonObject { ["text"] = new string('x', 3000) });

        AssertFailedWith(done, "c", "context_too_large");
        Assert.NotNull(done.Context["variables"]!["b"]);
        Assert.Null(done.Context["variables"]!["c"]);
        Assert.Null(done.Context["c"]);
    }

    [Fact]
    public async Task DoublingTheVariablesAtEveryStep_StopsAtTheOutputLimit()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxStepOutputBytes = 64 * 1024, MaxContextBytes = 256 * 1024 } });
        var steps = Enumerable.Range(0, 10).Select(i =>
            """{"id": "sI", "type": "addField", "config": {"fields": {"aI": "{{ $.variables }}", "bI": "{{ $.variables }}"}}NEXT}"""
                .Replace("I\"", i + "\"").Replace("NEXT", i < 9 ? $", \"next\": \"s{i + 1}\"" : ""));

        var done = await RunToEndAsync(h, $"[{string.Join(",", steps)}]", new JsonObject { ["seed"] = new string('x', 1024) });

        Assert.Equal(ExecutionStatus.Failed, done.Status);
        Assert.Equal("step_output_too_large", done.Error!["code"]!.GetValue<string>());
        Assert.True(done.Context.ToJsonString().Length < 256 * 1024);
    }

    [Fact]
    public async Task ChildInputLargerThanTheOutputLimit_FailsTheSubflowStep_AndStartsNoChild()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxStepOutputBytes = 4096 } });
        var child = await h.CreateWorkflowAsync("""{"name": "child", "steps": [{"id": "c", "type": "count"}]}""");

        var done = await RunToEndAsync(h, """
            [{"id": "sub", "type": "subflow", "config": {"workflow_id": "CHILD", "input": {"a": "{{ $.input.text }}", "b": "{{ $.input.text }}"}}}]
            """.Replace("CHILD", child.ToString()), new JsonObject { ["text"] = new string('x', 3000) });

        AssertFailedWith(done, "sub", "step_output_too_large");
        Assert.Empty(await h.ExecutionsOfAsync(child));
    }

    [Fact]
    public async Task ConfigRepeatingALargeValue_StopsWhileRendering()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxContextBytes = 64 * 1024 } });
        var fields = string.Join(",", Enumerable.Range(0, 20).Select(i => "\"f" + i + "\": \"{{ $.input.big }}\""));

        var done = await RunToEndAsync(h, """[{"id": "copy", "type": "addField", "config": {"fields": {FIELDS}}}]""".Replace("FIELDS", fields),
            new JsonObject { ["big"] = new string('x', 10_000) });

        AssertFailedWith(done, "copy", "context_too_large");
        Assert.Contains("config renders", done.Error!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task NestedLoopsPastTheBudget_FailWithLoopBudgetExceeded()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxLoopIterations = 1000 } });
        var items = new JsonArray(Enumerable.Range(0, 50).Select(i => (JsonNode?)i).ToArray());

        var done = await RunToEndAsync(h, """
            [{"id": "outer", "type": "foreach", "config": {"items": "{{ $.input.items }}",
              "step": {"type": "foreach", "config": {"items": "{{ $.input.items }}",
                "step": {"type": "addField", "config": {"field": "x", "value": 1}}}}}}]
            """, new JsonObject { ["items"] = items });

        AssertFailedWith(done, "outer", "loop_budget_exceeded");
    }

    [Fact]
    public async Task LoopBudget_IsCountedAcrossTheStepsOfOneExecution()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxLoopIterations = 1000 } });
        var loop = (string id, string next) => """
            {"id": "ID", "type": "foreach", "config": {"items": "{{ $.input.items }}", "max_items": 1000,
              "step": {"type": "addField", "config": {"field": "x", "value": 1}}}NEXT}
            """.Replace("ID", id).Replace("NEXT", next);

        var done = await RunToEndAsync(h, $"[{loop("first", ", \"next\": \"second\"")}, {loop("second", "")}]",
            new JsonObject { ["items"] = new JsonArray(Enumerable.Range(0, 600).Select(i => (JsonNode?)i).ToArray()) });

        AssertFailedWith(done, "second", "loop_budget_exceeded");
        Assert.Equal(600, done.State.LoopIterations);
    }

    [Fact]
    public async Task WaitDurationFromATemplate_PastAYear_FailsTheStep()
    {
        await using var h = await EngineHarness.StartAsync();

        var done = await RunToEndAsync(h, """[{"id": "nap", "type": "wait", "config": {"duration": "{{ $.input.d }}"}}]""",
            new JsonObject { ["d"] = "400d" });

        AssertFailedWith(done, "nap", "step_configuration_error");
    }

    [Fact]
    public async Task AStepTimeoutStoredBeforeTheMaximumExisted_FailsTheStepInsteadOfThrowing()
    {
        // Validation refuses it now, and the engine's options cannot hold one, but a version saved earlier still can:
        // a CancellationTokenSource takes at most about 49.7 days and would throw outside the step's error handling.
        await using var h = await EngineHarness.StartAsync();
        var now = h.Clock.GetUtcNow();
        var workflow = new WorkflowRecord
        {
            Tenant = EngineHarness.Tenant, Id = Guid.CreateVersion7(), Name = "old", Status = WorkflowStatus.Active,
            CurrentVersion = 1, CreatedAt = now, UpdatedAt = now,
        };
        await h.Store.CreateWorkflowAsync(workflow, new WorkflowVersionRecord
        {
            Tenant = EngineHarness.Tenant, WorkflowId = workflow.Id, Number = 1, CreatedAt = now, Hash = "stored-before-the-limit",
            Definition = JsonNode.Parse("""{"name": "old", "steps": [{"id": "a", "type": "count", "timeout": "50d"}]}""")!.AsObject(),
        }, CancellationToken.None);

        var done = await h.WaitForStatusAsync(await h.StartAsync(workflow.Id), ExecutionStatus.Failed, nudge: false);

        AssertFailedWith(done, "a", "step_configuration_error");
        Assert.Contains("at most 30 days", done.Error!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartWithAnInputDeeperThanTheLimit_IsRefused()
    {
        await using var h = await EngineHarness.StartAsync();
        var wf = await h.CreateWorkflowAsync("""{"name": "w", "steps": [{"id": "a", "type": "count"}]}""");
        JsonNode deep = 1;
        for (var i = 0; i < 70; i++)
            deep = new JsonObject { ["d"] = deep };

        var ex = await Assert.ThrowsAsync<ChorusException>(() => h.StartAsync(wf, deep));

        Assert.Equal(ErrorCodes.InvalidInput, ex.Code);
        Assert.Empty(await h.ExecutionsOfAsync(wf));
    }

    [Fact]
    public async Task EventDataLargerThanTheOutputLimit_IsRefusedAsTooLarge()
    {
        await using var h = await EngineHarness.StartAsync(o => o with { Limits = o.Limits with { MaxStepOutputBytes = 4096 } });
        var id = await h.StartAsync(await h.CreateWorkflowAsync("""{"name": "w", "steps": [{"id": "w", "type": "wait", "config": {"event": "go"}}]}"""));
        await h.WaitForStatusAsync(id, ExecutionStatus.Waiting);

        var ex = await Assert.ThrowsAsync<ChorusException>(() =>
            h.Engine.SendEventAsync(EngineHarness.Tenant, id, "go", new JsonObject { ["text"] = new string('x', 5000) }));

        Assert.Equal(ErrorCodes.PayloadTooLarge, ex.Code);
        Assert.Equal(ExecutionStatus.Waiting, (await h.GetAsync(id)).Status);
    }

    [Fact]
    public void RetryDelay_OfAPolicySavedBeforeTheMaximum_IsClamped()
    {
        var policy = new RetryPolicy { InitialInterval = TimeSpan.FromDays(5000), MaxInterval = TimeSpan.FromDays(9000) };

        Assert.Equal(DurationLimits.MaxRetryInterval, policy.DelayBeforeAttempt(2));
    }
}
