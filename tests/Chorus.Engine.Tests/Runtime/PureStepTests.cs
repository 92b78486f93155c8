using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>Pure steps (built-in ones such as addField and condition, or a handler that declares itself pure) run inside
/// the commit that decided them: a chain of them is decided, recorded and committed together with what scheduled it,
/// and each is still recorded as a step run with its events. Anything else, and any execution a person steps through,
/// runs from a work item as before.</summary>
public sealed class PureStepTests
{
    /// <summary>"double": doubles variables.n, and says it is pure.</summary>
    private sealed class DoubleStep : IStepHandler
    {
        public string Type => "double";

        public bool IsPure(StepDefinition step) => true;

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
        {
            var n = context.Data["variables"]!["n"]!.GetValue<int>() * 2;
            return Task.FromResult<StepResult>(new StepResult.Completed(new JsonObject { ["n"] = n },
                Variables: new Dictionary<string, JsonNode?> { ["n"] = n }));
        }
    }

    /// <summary>A chain of <paramref name="count"/> addField steps, each adding one to variables.n, then a step of
    /// <paramref name="thenType"/> with id "last" if given.</summary>
    private static string AddChain(int count, string? thenType = null)
    {
        var steps = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            var step = new JsonObject
            {
                ["id"] = $"a{i}", ["type"] = "addField",
                ["config"] = new JsonObject { ["field"] = "n", ["value"] = "{{ variables.n + 1 }}" },
            };
            if (i < count || thenType is not null)
                step["next"] = i < count ? $"a{i + 1}" : "last";
            steps.Add(step);
        }
        if (thenType is not null)
            steps.Add(new JsonObject { ["id"] = "last", ["type"] = thenType });
        return new JsonObject { ["name"] = "chain", ["steps"] = steps }.ToJsonString();
    }

    [Fact]
    public async Task AChainOfPureSteps_IsCompletedByTheCommitThatStartsIt_WithEveryStepRecordedInOrder()
    {
        await using var h = await EngineHarness.StartAsync();
        var workflow = await h.CreateWorkflowAsync(AddChain(10));

        var started = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, new JsonObject { ["n"] = 0 });

        // The start's own answer already holds the end: no worker ran between the commit and this line.
        Assert.Equal(ExecutionStatus.Completed, started.Status);
        var stored = await h.GetAsync(started.Id);
        Assert.Equal(ExecutionStatus.Completed, stored.Status);
        Assert.Equal(10, stored.Context["variables"]!["n"]!.GetValue<int>());
        var runs = await h.RunsAsync(started.Id);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"a{i}"), runs.Select(r => r.StepId));
        Assert.All(runs, r => Assert.Equal("completed", r.Status));
        Assert.Equal(Enumerable.Range(1, 10), runs.Select(r => r.Output!["n"]!.GetValue<int>()));
        var events = await h.Store.GetEventsAsync(EngineHarness.Tenant, started.Id, CancellationToken.None);
        // The start's own event first, then each step in order, then the end.
        Assert.Equal("Execution started on version 1", events[0].Payload["details"]!["message"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"a{i}"),
            events.Where(e => e.Type == "workflow_step_completed").Select(e => e.Payload["step_id"]!.GetValue<string>()));
        Assert.Equal("workflow_execution_completed", events[^1].Type);
        Assert.Equal(events.OrderBy(e => e.Id).Select(e => e.Id), events.Select(e => e.Id));
    }

    [Fact]
    public async Task PureStepsRunUpToTheFirstStepThatIsNot_WhichRunsFromAWorkItem()
    {
        await using var h = await EngineHarness.StartAsync();
        var workflow = await h.CreateWorkflowAsync(AddChain(3, thenType: "count"));

        var started = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, new JsonObject { ["n"] = 0 });

        Assert.Equal(ExecutionStatus.Running, started.Status);
        Assert.All(new[] { "a1", "a2", "a3" }, id => Assert.Equal(StepStatus.Completed, started.State.Steps[id].Status));
        Assert.Equal(StepStatus.Scheduled, started.State.Steps["last"].Status);
        Assert.Equal(3, started.Context["variables"]!["n"]!.GetValue<int>());
        var done = await h.WaitForStatusAsync(started.Id, ExecutionStatus.Completed);
        Assert.Single(h.Calls.For(started.Id, "last"));
        Assert.Equal(["a1", "a2", "a3", "last"], (await h.RunsAsync(started.Id)).Select(r => r.StepId));
        Assert.Equal(3, done.Context["variables"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task AHandlerThatDeclaresItselfPure_IsRunInTheCommit_OneThatDoesNotIsNot()
    {
        await using var h = await EngineHarness.StartAsync(steps: r => r.Register(new DoubleStep()));
        var pure = await h.CreateWorkflowAsync("""{"name": "d", "steps": [{"id": "d1", "type": "double", "next": "d2"}, {"id": "d2", "type": "double"}]}""");
        var plain = await h.CreateWorkflowAsync("""{"name": "c", "steps": [{"id": "c1", "type": "count"}]}""");

        var doubled = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, pure, new JsonObject { ["n"] = 3 });
        var counted = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, plain, new JsonObject { ["n"] = 3 });

        Assert.Equal(ExecutionStatus.Completed, doubled.Status);
        Assert.Equal(12, doubled.Context["variables"]!["n"]!.GetValue<int>());
        Assert.Equal(ExecutionStatus.Running, counted.Status);
        Assert.Equal(StepStatus.Scheduled, counted.State.Steps["c1"].Status);
        await h.WaitForStatusAsync(counted.Id, ExecutionStatus.Completed);
    }

    [Fact]
    public async Task InManualMode_PureStepsWaitToBeAdvancedOneByOne()
    {
        await using var h = await EngineHarness.StartAsync();
        var workflow = await h.CreateWorkflowAsync(AddChain(3));

        var started = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, new JsonObject { ["n"] = 0 }, ExecutionMode.Manual);

        Assert.Equal(ExecutionStatus.Running, started.Status);
        Assert.Equal(StepStatus.Scheduled, started.State.Steps["a1"].Status);
        await EngineHarness.QuietPeriodAsync();
        Assert.Empty(await h.RunsAsync(started.Id));
        await h.Engine.AdvanceAsync(EngineHarness.Tenant, started.Id, TimeSpan.FromSeconds(10));
        var afterOne = await h.WaitAsync(started.Id, e => e.State.Steps["a1"].Status == StepStatus.Completed, "a1 to complete");
        Assert.Equal(StepStatus.Scheduled, afterOne.State.Steps["a2"].Status);
        Assert.Single(await h.RunsAsync(started.Id));
    }

    [Fact]
    public async Task OneCommitRunsAtMostItsShareOfPureSteps_TheRestGoOnFromWorkItems()
    {
        const int steps = ExecutionCommands.MaxPureStepsPerOperation + 20;
        await using var h = await EngineHarness.StartAsync();
        var workflow = await h.CreateWorkflowAsync(AddChain(steps));

        var started = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, new JsonObject { ["n"] = 0 });

        Assert.Equal(ExecutionStatus.Running, started.Status);
        Assert.Equal(ExecutionCommands.MaxPureStepsPerOperation, started.State.Steps.Values.Count(st => st.Status == StepStatus.Completed));
        var done = await h.WaitForStatusAsync(started.Id, ExecutionStatus.Completed);
        Assert.Equal(steps, done.Context["variables"]!["n"]!.GetValue<int>());
        Assert.Equal(steps, (await h.RunsAsync(started.Id)).Count);
    }

    /// <summary>Keeps outputs in memory and answers a small stand-in naming the step.</summary>
    private sealed class MemoryOffload(long threshold) : IPayloadOffload
    {
        public ConcurrentQueue<StepOutput> Calls { get; } = new();

        public long ThresholdBytes => threshold;

        public Task<JsonNode?> OffloadAsync(StepOutput output, CancellationToken ct)
        {
            Calls.Enqueue(output);
            return Task.FromResult<JsonNode?>(new JsonObject { ["kept"] = output.StepId });
        }
    }

    [Fact]
    public async Task APureStepWhoseOutputMustBeOffloaded_RunsFromAWorkItem_AndIsOffloadedLikeAnyOther()
    {
        var offload = new MemoryOffload(threshold: 1024);
        await using var h = await EngineHarness.StartAsync(services: s => s.AddSingleton<IPayloadOffload>(offload));
        var big = new string('x', 3000);
        var workflow = await h.CreateWorkflowAsync($$$"""
            {"name": "big", "steps": [
              {"id": "small", "type": "addField", "config": {"field": "a", "value": 1}, "next": "big"},
              {"id": "big", "type": "addField", "config": {"field": "text", "value": "{{{big}}}"}}
            ]}
            """);

        var started = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, new JsonObject());

        Assert.Equal(StepStatus.Completed, started.State.Steps["small"].Status);
        Assert.NotEqual(StepStatus.Completed, started.State.Steps["big"].Status);
        var done = await h.WaitForStatusAsync(started.Id, ExecutionStatus.Completed);
        Assert.Equal("big", Assert.Single(offload.Calls).StepId);
        Assert.Equal("big", done.Context["big"]!["kept"]!.GetValue<string>());
        Assert.Single(await h.RunsAsync(started.Id), r => r.StepId == "big");
    }

    [Fact]
    public async Task APureStepThatFails_FailsTheExecutionInTheSameCommit()
    {
        await using var h = await EngineHarness.StartAsync(steps: r => r.Register(new DoubleStep()));
        var workflow = await h.CreateWorkflowAsync("""
            {"name": "bad", "steps": [
              {"id": "ok", "type": "addField", "config": {"field": "a", "value": 1}, "next": "bad"},
              {"id": "bad", "type": "double", "retry": {"max_attempts": 1}}
            ]}
            """);

        // No variables.n: the double step throws.
        var started = await h.Engine.StartExecutionAsync(EngineHarness.Tenant, workflow, new JsonObject());

        Assert.Equal(ExecutionStatus.Failed, started.Status);
        Assert.Equal("bad", started.Error!["step_id"]!.GetValue<string>());
        var runs = await h.RunsAsync(started.Id);
        Assert.Equal(["completed", "failed"], runs.Select(r => r.Status));
    }
}
