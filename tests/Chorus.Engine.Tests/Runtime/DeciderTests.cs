using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Engine.Tests.Definitions;

namespace Chorus.Engine.Tests.Runtime;

public class DeciderTests
{
    private const string Check = """{"id": "check", "type": "condition", "config": {"field": "x", "operator": "equals", "value": 1}""";

    private readonly ExecutionState _state = new();

    private static WorkflowGraph Graph(string json) => WorkflowGraph.Build(TestWorkflows.Parse(json));

    // Each helper decides, applies the decisions as the commands do, and returns the steps they schedule:
    // DecisionTests show the decisions themselves.
    private List<string> Start(WorkflowGraph graph) => Apply(Decider.Start(graph));

    private List<string> Succeed(WorkflowGraph graph, string stepId, params string[]? chosen) =>
        Apply(Decider.OnStepSucceeded(graph, _state, stepId, chosen));

    private List<string> SucceedAll(WorkflowGraph graph, string stepId) =>
        Apply(Decider.OnStepSucceeded(graph, _state, stepId, chosenNext: null));

    private List<string> FailForGood(WorkflowGraph graph, string stepId) =>
        Apply(Decider.OnStepFailed(graph, _state, Guid.Empty, graph.Step(stepId), _state.Steps[stepId], retryable: false, retryLimit: 1));

    private List<string> Apply(List<Decision> decisions)
    {
        ExecutionCommands.ApplyTo(_state, decisions);
        return decisions.Where(d => d.Kind == DecisionKind.ScheduleStep).Select(d => d.StepId).ToList();
    }

    /// <summary>Every step's status as "id=Status", sorted, so a whole state is compared in one assertion.</summary>
    private string[] Statuses() =>
        _state.Steps.Select(s => $"{s.Key}={s.Value.Status}").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Start_Sequence_SchedulesOnlyStartStep()
    {
        var graph = Graph("""
            {"steps": [{"id": "a", "type": "action", "next": "b"}, {"id": "b", "type": "action"}]}
            """);

        Assert.Equal(["a"], Start(graph));
        Assert.Equal(["a=Scheduled"], Statuses());
    }

    [Fact]
    public void Start_WithStartAt_SchedulesStartAt()
    {
        var graph = Graph("""
            {"start_at": "b", "steps": [{"id": "a", "type": "output"}, {"id": "b", "type": "action", "next": "a"}]}
            """);

        Assert.Equal(["b"], Start(graph));
    }

    [Fact]
    public void OnStepSucceeded_LinearSequence_SchedulesEachNextStepInTurn()
    {
        var graph = Graph("""
            {"steps": [{"id": "a", "type": "action", "next": "b"}, {"id": "b", "type": "action", "next": "c"},
                       {"id": "c", "type": "output"}]}
            """);
        Start(graph);

        Assert.Equal(["b"], SucceedAll(graph, "a"));
        Assert.Equal(["a=Completed", "b=Scheduled"], Statuses());
        Assert.Equal(["c"], SucceedAll(graph, "b"));
        Assert.Empty(SucceedAll(graph, "c"));
        Assert.Equal(["a=Completed", "b=Completed", "c=Completed"], Statuses());
        Assert.Empty(_state.Arrivals);
        Assert.False(_state.HasActiveSteps);
    }

    [Fact]
    public void OnStepSucceeded_ConditionChoosesIfTrue_SkipsWholeIfFalseChain()
    {
        var graph = Graph($$"""
            {"steps": [{"id": "start", "type": "trigger", "next": "check"},
                       {{Check}}, "next_steps": ["yes", "no"]},
                       {"id": "yes", "type": "action", "next": "yes_done"},
                       {"id": "yes_done", "type": "output"},
                       {"id": "no", "type": "action", "next": "no_2"},
                       {"id": "no_2", "type": "action", "next": "no_3"},
                       {"id": "no_3", "type": "output"}]}
            """);
        Start(graph);
        SucceedAll(graph, "start");

        Assert.Equal(["yes"], Succeed(graph, "check", "yes"));
        Assert.Equal(["check=Completed", "no=Skipped", "no_2=Skipped", "no_3=Skipped", "start=Completed", "yes=Scheduled"], Statuses());
        Assert.Equal(["yes_done"], SucceedAll(graph, "yes"));
        Assert.Empty(_state.Arrivals);
    }

    [Fact]
    public void OnStepSucceeded_ConditionChoosesIfFalse_SkipsIfTrueBranch()
    {
        var graph = Graph($$"""
            {"steps": [{{Check}}, "next_steps": ["yes", "no"]},
                       {"id": "yes", "type": "action", "next": "yes_done"}, {"id": "yes_done", "type": "output"},
                       {"id": "no", "type": "output"}]}
            """);
        Start(graph);

        Assert.Equal(["no"], Succeed(graph, "check", "no"));
        Assert.Equal(["check=Completed", "no=Scheduled", "yes=Skipped", "yes_done=Skipped"], Statuses());
    }

    private const string FanOutJoin = """
        {"steps": [{"id": "fan", "type": "parallel", "next_steps": ["a", "b", "c"]},
                   {"id": "a", "type": "action", "next": "join"},
                   {"id": "b", "type": "action", "next": "join"},
                   {"id": "c", "type": "action", "next": "join"},
                   {"id": "join", "type": "join", "next": "done"},
                   {"id": "done", "type": "output"}]}
        """;

    [Fact]
    public void OnStepSucceeded_ParallelFanOut_SchedulesAllBranches()
    {
        var graph = Graph(FanOutJoin);
        Start(graph);

        Assert.Equal(["a", "b", "c"], SucceedAll(graph, "fan"));
        Assert.Equal(["a=Scheduled", "b=Scheduled", "c=Scheduled", "fan=Completed"], Statuses());
    }

    [Fact]
    public void OnStepSucceeded_JoinAfterThreeBranches_RunsOnlyAfterTheThird()
    {
        var graph = Graph(FanOutJoin);
        Start(graph);
        SucceedAll(graph, "fan");

        Assert.Empty(SucceedAll(graph, "b"));
        Assert.False(_state.Steps.ContainsKey("join"));
        Assert.Empty(SucceedAll(graph, "c"));
        Assert.False(_state.Steps.ContainsKey("join"));
        Assert.Equal(new Dictionary<string, bool> { ["b"] = true, ["c"] = true }, _state.Arrivals["join"]);

        Assert.Equal(["join"], SucceedAll(graph, "a"));
        Assert.Equal(StepStatus.Scheduled, _state.Steps["join"].Status);
        Assert.Empty(_state.Arrivals);
        Assert.Equal(["done"], SucceedAll(graph, "join"));
    }

    private const string ConditionInBranch = """
        {"steps": [{"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
                   {"id": "left", "type": "action", "next": "check"},
                   {"id": "check", "type": "condition", "config": {"field": "x", "operator": "exists"}, "next_steps": ["yes", "no"]},
                   {"id": "yes", "type": "action", "next": "join"},
                   {"id": "no", "type": "action", "next": "join"},
                   {"id": "right", "type": "action", "next": "join"},
                   {"id": "join", "type": "join", "next": "done"},
                   {"id": "done", "type": "output"}]}
        """;

    [Fact]
    public void OnStepSucceeded_ConditionInBranchSkipsPathToJoin_JoinRunsWhenLiveBranchesFinish()
    {
        var graph = Graph(ConditionInBranch);
        Start(graph);
        SucceedAll(graph, "fan");
        SucceedAll(graph, "left");

        Assert.Equal(["yes"], Succeed(graph, "check", "yes"));
        Assert.Equal(StepStatus.Skipped, _state.Steps["no"].Status);
        Assert.Empty(SucceedAll(graph, "yes"));
        Assert.False(_state.Steps.ContainsKey("join"));

        Assert.Equal(["join"], SucceedAll(graph, "right"));
        Assert.Equal(
            ["check=Completed", "fan=Completed", "join=Scheduled", "left=Completed", "no=Skipped", "right=Completed", "yes=Completed"],
            Statuses());
    }

    [Fact]
    public void OnStepSucceeded_ConditionInBranchAfterOtherBranchFinished_JoinRunsAfterChosenPath()
    {
        var graph = Graph(ConditionInBranch);
        Start(graph);
        SucceedAll(graph, "fan");
        Assert.Empty(SucceedAll(graph, "right"));
        SucceedAll(graph, "left");

        Assert.Equal(["no"], Succeed(graph, "check", "no"));
        Assert.Equal(["join"], SucceedAll(graph, "no"));
        Assert.Equal(StepStatus.Skipped, _state.Steps["yes"].Status);
    }

    [Fact]
    public void OnStepSucceeded_AllJoinInputsSkipped_SkipsJoinAndItsSuccessors()
    {
        var graph = Graph($$"""
            {"steps": [{{Check}}, "next_steps": ["go", "fan"]},
                       {"id": "go", "type": "output"},
                       {"id": "fan", "type": "parallel", "next_steps": ["p", "q"]},
                       {"id": "p", "type": "action", "next": "join"},
                       {"id": "q", "type": "action", "next": "join"},
                       {"id": "join", "type": "join", "next": "after"},
                       {"id": "after", "type": "action", "next": "end"},
                       {"id": "end", "type": "output"}]}
            """);
        Start(graph);

        Assert.Equal(["go"], Succeed(graph, "check", "go"));
        Assert.Equal(
            ["after=Skipped", "check=Completed", "end=Skipped", "fan=Skipped", "go=Scheduled", "join=Skipped", "p=Skipped", "q=Skipped"],
            Statuses());
        Assert.Empty(_state.Arrivals);
    }

    private const string Diamond = """
        {"steps": [{"id": "check", "type": "condition", "config": {"field": "x", "operator": "exists"}, "next_steps": ["a", "b"]},
                   {"id": "a", "type": "action", "next": "merge"},
                   {"id": "b", "type": "action", "next": "merge"},
                   {"id": "merge", "type": "action", "next": "end"},
                   {"id": "end", "type": "output"}]}
        """;

    [Fact]
    public void OnStepSucceeded_Diamond_MergeRunsOnceAfterChosenBranch()
    {
        var graph = Graph(Diamond);
        Start(graph);

        Assert.Equal(["a"], Succeed(graph, "check", "a"));
        Assert.False(_state.Steps.ContainsKey("merge"));
        Assert.Equal(["merge"], SucceedAll(graph, "a"));
        Assert.Equal(["end"], SucceedAll(graph, "merge"));
        Assert.Equal(["a=Completed", "b=Skipped", "check=Completed", "end=Scheduled", "merge=Completed"], Statuses());
    }

    [Fact]
    public void OnStepSucceeded_StepReachedTwice_IsScheduledOnce()
    {
        var graph = Graph(Diamond);
        Start(graph);

        Assert.Equal(["a", "b"], SucceedAll(graph, "check"));
        Assert.Equal(["merge"], SucceedAll(graph, "a"));
        Assert.Empty(SucceedAll(graph, "b"));
        Assert.Equal(StepStatus.Scheduled, _state.Steps["merge"].Status);
        Assert.Empty(_state.Arrivals);
    }

    [Fact]
    public void OnStepSucceeded_AlreadyRunningStepReachedAgain_KeepsItsState()
    {
        var graph = Graph(Diamond);
        Start(graph);
        SucceedAll(graph, "check");
        SucceedAll(graph, "a");
        _state.Steps["merge"].Status = StepStatus.Running;

        Assert.Empty(SucceedAll(graph, "b"));
        Assert.Equal(StepStatus.Running, _state.Steps["merge"].Status);
    }

    private const string WithErrorRoute = """
        {"steps": [{"id": "call", "type": "http", "config": {"url": "https://example.test"}, "next": "use", "on_error": "recover"},
                   {"id": "use", "type": "action", "next": "done"},
                   {"id": "done", "type": "output"},
                   {"id": "recover", "type": "action", "next": "report"},
                   {"id": "report", "type": "output"}]}
        """;

    [Fact]
    public void OnStepFailed_TakesErrorRouteAndSkipsNormalSuccessors()
    {
        var graph = Graph(WithErrorRoute);
        Start(graph);

        Assert.Equal(["recover"], FailForGood(graph, "call"));
        Assert.Equal(["call=Failed", "done=Skipped", "recover=Scheduled", "use=Skipped"], Statuses());
        Assert.Equal(["report"], SucceedAll(graph, "recover"));
    }

    [Fact]
    public void OnStepSucceeded_StepWithErrorRoute_SkipsErrorRoute()
    {
        var graph = Graph(WithErrorRoute);
        Start(graph);

        Assert.Equal(["use"], SucceedAll(graph, "call"));
        Assert.Equal(["call=Completed", "recover=Skipped", "report=Skipped", "use=Scheduled"], Statuses());
    }

    [Fact]
    public void OnStepFailed_ErrorRouteIntoJoin_JoinRunsWhenOtherBranchFinishes()
    {
        var graph = Graph("""
            {"steps": [{"id": "fan", "type": "parallel", "next_steps": ["left", "right"]},
                       {"id": "left", "type": "action", "next": "join"},
                       {"id": "right", "type": "http", "config": {"url": "https://example.test"}, "next": "join", "on_error": "join"},
                       {"id": "join", "type": "join"}]}
            """);
        Start(graph);
        SucceedAll(graph, "fan");

        Assert.Empty(FailForGood(graph, "right"));
        Assert.Equal(["join"], SucceedAll(graph, "left"));
        Assert.Equal(["fan=Completed", "join=Scheduled", "left=Completed", "right=Failed"], Statuses());
    }
}
