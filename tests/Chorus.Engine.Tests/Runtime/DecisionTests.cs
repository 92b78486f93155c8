using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Engine.Tests.Definitions;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>The decider's output as data: what it decides after each kind of step result, read before anything
/// applies it. The state it is given stays as it was.</summary>
public class DecisionTests
{
    private readonly ExecutionState _state = new();

    private static WorkflowGraph Graph(string json) => WorkflowGraph.Build(TestWorkflows.Parse(json));

    private const string Sequence = """
        {"steps": [{"id": "a", "type": "action", "next": "b", "retry": {"max_attempts": 3, "initial_interval": "2s"}},
                   {"id": "b", "type": "output"}]}
        """;

    /// <summary>Decides and applies, as the commands do, to bring the state to the point a test starts from.</summary>
    private void Run(List<Decision> decisions) => ExecutionCommands.ApplyTo(_state, decisions);

    [Fact]
    public void Start_schedules_the_start_step()
    {
        Assert.Equal([Decision.ScheduleStep("a")], Decider.Start(Graph(Sequence)));
    }

    [Fact]
    public void Success_completes_the_step_and_schedules_the_next_without_changing_the_state()
    {
        var graph = Graph(Sequence);
        Run(Decider.Start(graph));

        var decisions = Decider.OnStepSucceeded(graph, _state, "a", chosenNext: null);

        Assert.Equal([Decision.CompleteStep("a"), Decision.ScheduleStep("b")], decisions);
        Assert.Equal(StepStatus.Scheduled, _state.Steps["a"].Status);
        Assert.False(_state.Steps.ContainsKey("b"));
    }

    [Fact]
    public void Success_of_the_last_step_schedules_nothing_so_the_execution_can_settle()
    {
        var graph = Graph(Sequence);
        Run(Decider.Start(graph));
        Run(Decider.OnStepSucceeded(graph, _state, "a", chosenNext: null));

        Assert.Equal([Decision.CompleteStep("b")], Decider.OnStepSucceeded(graph, _state, "b", chosenNext: null));
    }

    [Fact]
    public void Retryable_failure_with_attempts_left_retries_after_the_policy_delay()
    {
        var graph = Graph(Sequence);
        Run(Decider.Start(graph));

        var decisions = Decider.OnStepFailed(graph, _state, Guid.Empty, graph.Step("a"), _state.Steps["a"], retryable: true, retryLimit: 10);

        Assert.Equal([Decision.RetryStep("a", attempt: 2, TimeSpan.FromSeconds(2))], decisions);
        Assert.Equal(1, _state.Steps["a"].Attempt);
    }

    [Fact]
    public void Jitter_takes_up_to_its_share_off_each_delay_differently_for_each_execution_and_the_same_every_time()
    {
        var graph = Graph("""
            {"steps": [{"id": "a", "type": "action", "retry": {"max_attempts": 3, "initial_interval": "10s", "jitter": 0.5}}]}
            """);
        Run(Decider.Start(graph));

        TimeSpan DelayFor(Guid execution) =>
            Decider.OnStepFailed(graph, _state, execution, graph.Step("a"), _state.Steps["a"], retryable: true, retryLimit: 10)[0].Delay;
        var executions = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();
        var delays = executions.Select(DelayFor).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)));
        Assert.True(delays.Distinct().Count() > 150, $"only {delays.Distinct().Count()} different delays");
        // Spread over the whole range, not bunched at one end.
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(6));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(9));
        Assert.Equal(delays, executions.Select(DelayFor));
    }

    [Fact]
    public void Retryable_failure_of_the_last_attempt_fails_the_execution()
    {
        var graph = Graph(Sequence);
        Run(Decider.Start(graph));
        _state.Steps["a"].Attempt = 3;

        var decisions = Decider.OnStepFailed(graph, _state, Guid.Empty, graph.Step("a"), _state.Steps["a"], retryable: true, retryLimit: 10);

        Assert.Equal([Decision.FailExecution("a")], decisions);
    }

    [Fact]
    public void Failure_that_is_not_retryable_fails_the_execution_at_once()
    {
        var graph = Graph(Sequence);
        Run(Decider.Start(graph));

        Assert.Equal([Decision.FailExecution("a")],
            Decider.OnStepFailed(graph, _state, Guid.Empty, graph.Step("a"), _state.Steps["a"], retryable: false, retryLimit: 10));
    }

    [Fact]
    public void Failure_with_an_error_route_takes_it_and_skips_the_normal_path()
    {
        var graph = Graph("""
            {"steps": [{"id": "call", "type": "action", "next": "use", "on_error": "recover"},
                       {"id": "use", "type": "action", "next": "done"}, {"id": "done", "type": "output"},
                       {"id": "recover", "type": "output"}]}
            """);
        Run(Decider.Start(graph));

        var decisions = Decider.OnStepFailed(graph, _state, Guid.Empty, graph.Step("call"), _state.Steps["call"], retryable: false, retryLimit: 1);

        Assert.Equal([Decision.FailStep("call"), Decision.SkipStep("use"), Decision.SkipStep("done"), Decision.ScheduleStep("recover")],
            decisions);
    }

    [Fact]
    public void Parallel_branches_are_scheduled_together_and_the_join_waits_for_both()
    {
        var graph = Graph("""
            {"steps": [{"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
                       {"id": "left", "type": "action", "next": "join"}, {"id": "right", "type": "action", "next": "join"},
                       {"id": "join", "type": "join"}]}
            """);
        Run(Decider.Start(graph));

        var fan = Decider.OnStepSucceeded(graph, _state, "fan", chosenNext: null);
        Run(fan);
        var left = Decider.OnStepSucceeded(graph, _state, "left", chosenNext: null);
        Run(left);
        var right = Decider.OnStepSucceeded(graph, _state, "right", chosenNext: null);

        Assert.Equal([Decision.CompleteStep("fan"), Decision.ScheduleStep("left"), Decision.ScheduleStep("right")], fan);
        Assert.Equal([Decision.CompleteStep("left"), Decision.RecordArrival("join", "left", taken: true)], left);
        Assert.Equal([Decision.CompleteStep("right"), Decision.ScheduleStep("join")], right);
    }

    [Fact]
    public void A_condition_skips_the_branch_it_did_not_choose_through_to_the_join()
    {
        var graph = Graph("""
            {"steps": [{"id": "check", "type": "condition", "config": {"field": "x", "operator": "equals", "value": 1},
                        "next_steps": ["yes", "no"]},
                       {"id": "yes", "type": "action", "next": "join"}, {"id": "no", "type": "action", "next": "no_2"},
                       {"id": "no_2", "type": "action", "next": "join"}, {"id": "join", "type": "join"}]}
            """);
        Run(Decider.Start(graph));

        var decisions = Decider.OnStepSucceeded(graph, _state, "check", chosenNext: ["yes"]);

        Assert.Equal([Decision.CompleteStep("check"), Decision.ScheduleStep("yes"), Decision.SkipStep("no"), Decision.SkipStep("no_2"),
            Decision.RecordArrival("join", "no_2", taken: false)], decisions);
    }
}
