using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

internal static class GraphJson
{
    /// <summary>start fans out to two branches that meet in a join; the http step has an error route.</summary>
    public const string ParallelJoin = """
        {"steps": [
          {"id": "start", "type": "trigger", "next": "fan_out"},
          {"id": "fan_out", "type": "parallel", "next_steps": ["left", "right", "left"]},
          {"id": "left", "type": "action", "next": "merge"},
          {"id": "right", "type": "http", "config": {"url": "https://example.test"}, "next": "merge", "on_error": "merge"},
          {"id": "merge", "type": "join", "next": "done"},
          {"id": "note", "type": "comment"},
          {"id": "done", "type": "output"}
        ]}
        """;
}

public class WorkflowGraphTests
{
    private static readonly WorkflowGraph Graph = WorkflowGraph.Build(TestWorkflows.Parse(GraphJson.ParallelJoin));

    [Fact]
    public void StartStepId_WithoutStartAt_IsFirstStep() => Assert.Equal("start", Graph.StartStepId);

    [Fact]
    public void StartStepId_WithStartAt_IsStartAt()
    {
        var graph = WorkflowGraph.Build(TestWorkflows.Parse("""
            {"start_at": "b", "steps": [{"id": "a", "type": "output"}, {"id": "b", "type": "trigger", "next": "a"}]}
            """));

        Assert.Equal("b", graph.StartStepId);
    }

    [Fact]
    public void Successors_Parallel_AreNextStepsInOrderWithoutDuplicates() =>
        Assert.Equal(["left", "right"], Graph.Successors("fan_out"));

    [Fact]
    public void Successors_LastStep_IsEmpty() => Assert.Empty(Graph.Successors("done"));

    [Fact]
    public void Predecessors_Join_AreBothBranchesInDefinitionOrder() =>
        Assert.Equal(["left", "right"], Graph.Predecessors("merge"));

    [Fact]
    public void Predecessors_StartStep_IsEmpty() => Assert.Empty(Graph.Predecessors("start"));

    [Fact]
    public void IsJoin_JoinAndOtherTypes_TellThemApart()
    {
        Assert.True(Graph.IsJoin("merge"));
        Assert.False(Graph.IsJoin("fan_out"));
    }

    [Fact]
    public void ErrorSuccessor_IsOnError()
    {
        Assert.Equal("merge", Graph.ErrorSuccessor("right"));
        Assert.Null(Graph.ErrorSuccessor("left"));
    }

    [Fact]
    public void ProgressStepCount_SkipsComments() => Assert.Equal(6, Graph.ProgressStepCount);

    [Fact]
    public void StepAndContains_KnownAndUnknownIds()
    {
        Assert.Equal("join", Graph.Step("merge").Type);
        Assert.True(Graph.Contains("note"));
        Assert.False(Graph.Contains("ghost"));
        Assert.Throws<KeyNotFoundException>(() => Graph.Step("ghost"));
        Assert.Throws<KeyNotFoundException>(() => Graph.Successors("ghost"));
    }

    [Fact]
    public void Successors_ExpressionCondition_AreBranchesThenDefault()
    {
        var graph = WorkflowGraph.Build(TestWorkflows.Parse("""
            {"steps": [
              {"id": "decision", "type": "condition", "next": "audit", "config": {
                "conditions": [{"condition": "$.a == 1", "next": "one"}, {"condition": "$.a == 2", "next": "two"},
                               {"condition": "$.a == 3", "next": "one"}],
                "default": "other"}},
              {"id": "audit", "type": "action"}, {"id": "one", "type": "output"}, {"id": "two", "type": "output"},
              {"id": "other", "type": "output"}
            ]}
            """));

        Assert.Equal(["audit", "one", "two", "other"], graph.Successors("decision"));
        Assert.Equal(["decision"], graph.Predecessors("other"));
    }

    [Fact]
    public void Successors_StructuredCondition_AreNextStepsTrueThenFalse()
    {
        var graph = WorkflowGraph.Build(TestWorkflows.Parse("""
            {"steps": [
              {"id": "check", "type": "condition", "config": {"field": "status", "operator": "equals", "value": "active"},
               "next_steps": ["yes", "no"]},
              {"id": "yes", "type": "output"}, {"id": "no", "type": "output"}
            ]}
            """));

        Assert.Equal(["yes", "no"], graph.Successors("check"));
    }

    [Fact]
    public void Successors_ConditionsInConfigOfNonConditionStep_AreNotRoutes()
    {
        var graph = WorkflowGraph.Build(TestWorkflows.Parse("""
            {"steps": [{"id": "a", "type": "action", "config": {"conditions": [{"next": "b"}], "default": "b"}}, {"id": "b", "type": "output"}]}
            """));

        Assert.Empty(graph.Successors("a"));
    }

    [Fact]
    public async Task Queries_FromManyThreads_AgreeAndDoNotThrow()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            string.Join(",", Graph.Steps.SelectMany(s => Graph.Successors(s.Id).Concat(Graph.Predecessors(s.Id)))))));

        Assert.Single(results.Distinct());
    }
}
