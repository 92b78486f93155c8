using Chorus.Engine.Definitions;

namespace Chorus.Engine.Tests.Definitions;

public class DefinitionValidatorTests
{
    [Fact]
    public void Validate_LinearWorkflow_HasNoErrors()
    {
        var errors = TestWorkflows.Validate("""
            {"name": "ok", "steps": [
              {"id": "start", "type": "trigger", "next": "call"},
              {"id": "call", "type": "http", "config": {"url": "https://example.test"}, "next": "done", "on_error": "failed"},
              {"id": "done", "type": "output"},
              {"id": "failed", "type": "output"},
              {"id": "note", "type": "comment", "config": {"text": "comments may float free"}}
            ]}
            """);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_DuplicateId_ReportsSecondOccurrence()
    {
        var definition = TestWorkflows.Parse("""
            {"steps": [{"id": "a", "type": "trigger", "next": "b"}, {"id": "b", "type": "output"}, {"id": "b", "type": "action"}]}
            """);

        var errors = DefinitionValidator.Validate(definition, FakeHandlers.Registry());

        var error = Assert.Single(errors);
        Assert.Equal(("b", "id"), (error.StepId, error.Field));
        Assert.Contains("more than one", error.Message);
    }

    [Fact]
    public void Validate_UnknownType_ReportsType()
    {
        var errors = TestWorkflows.Validate("""{"steps": [{"id": "a", "type": "teleport"}]}""");

        var error = Assert.Single(errors);
        Assert.Equal(("a", "type"), (error.StepId, error.Field));
        Assert.Contains("teleport", error.Message);
    }

    [Theory]
    [InlineData("""{"id": "a", "type": "trigger", "next": "ghost"}""", "next")]
    [InlineData("""{"id": "a", "type": "parallel", "next_steps": ["b", "ghost"]}""", "next_steps[1]")]
    [InlineData("""{"id": "a", "type": "trigger", "next": "b", "on_error": "ghost"}""", "on_error")]
    [InlineData("""{"id": "a", "type": "condition", "config": {"conditions": [{"next": "ghost"}], "default": "b"}}""", "config.conditions[0].next")]
    [InlineData("""{"id": "a", "type": "condition", "config": {"conditions": [{"next": "b"}], "default": "ghost"}}""", "config.default")]
    public void Validate_DanglingTarget_ReportsExactField(string first, string field)
    {
        // The condition branches carry no expression so this test does not depend on the expression parser.
        var errors = TestWorkflows.Validate($$"""{"steps": [{{first}}, {"id": "b", "type": "output"}]}""");

        var error = Assert.Single(errors, e => e.Field == field);
        Assert.Equal("a", error.StepId);
        Assert.Contains("'ghost'", error.Message);
    }

    [Fact]
    public void Validate_BadStartAt_ReportsStartAtOnly()
    {
        var errors = TestWorkflows.Validate("""
            {"start_at": "nowhere", "steps": [{"id": "a", "type": "trigger", "next": "b"}, {"id": "b", "type": "output"}]}
            """);

        Assert.Equal(new DefinitionError(null, "start_at", "'start_at' names step 'nowhere', which does not exist."), Assert.Single(errors));
    }

    [Fact]
    public void Validate_UnreachableStep_ReportsIt()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "a", "type": "trigger", "next": "b"}, {"id": "b", "type": "output"}, {"id": "orphan", "type": "action"}]}
            """);

        Assert.Equal(new DefinitionError("orphan", "id", "Step is not reachable from the start step 'a'."), Assert.Single(errors));
    }

    [Fact]
    public void Validate_StepReachedOnlyByOnError_IsReachable()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "a", "type": "trigger", "on_error": "rescue"}, {"id": "rescue", "type": "output"}]}
            """);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_StartAtLaterStep_ReportsStepsBeforeItAsUnreachable()
    {
        var errors = TestWorkflows.Validate("""
            {"start_at": "b", "steps": [{"id": "a", "type": "trigger", "next": "b"}, {"id": "b", "type": "output"}]}
            """);

        Assert.Equal(new DefinitionError("a", "id", "Step is not reachable from the start step 'b'."), Assert.Single(errors));
    }

    [Fact]
    public void Validate_Cycle_ReportsPathOnNext()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "a", "type": "trigger", "next": "b"}, {"id": "b", "type": "action", "next": "c"},
                       {"id": "c", "type": "action", "next": "b"}]}
            """);

        var error = Assert.Single(errors);
        Assert.Equal(("c", "next"), (error.StepId, error.Field));
        Assert.Contains("b -> c -> b", error.Message);
    }

    [Fact]
    public void Validate_SelfLoop_ReportsCycle()
    {
        var errors = TestWorkflows.Validate("""{"steps": [{"id": "a", "type": "action", "next_steps": ["a"]}]}""");

        var error = Assert.Single(errors);
        Assert.Equal(("a", "next"), (error.StepId, error.Field));
        Assert.Contains("a -> a", error.Message);
    }

    [Fact]
    public void Validate_CycleThroughOnError_ReportsCycle()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "a", "type": "trigger", "next": "b"}, {"id": "b", "type": "action", "on_error": "a"}]}
            """);

        Assert.Contains(errors, e => e.Field == "next" && e.Message.Contains("a -> b -> a"));
    }

    [Fact]
    public void Validate_DiamondWithJoin_IsNotACycle()
    {
        var errors = TestWorkflows.Validate(GraphJson.ParallelJoin);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_HandlerConfigIssue_ReportedWithStepAndField()
    {
        var errors = TestWorkflows.Validate("""{"steps": [{"id": "call", "type": "http", "config": {"method": "GET"}}]}""");

        Assert.Equal(new DefinitionError("call", "config.url", "An http step needs a url."), Assert.Single(errors));
    }

    [Fact]
    public void Validate_ManyProblems_CollectsAll()
    {
        var errors = TestWorkflows.Validate("""
            {"steps": [{"id": "a", "type": "trigger", "next": "ghost"}, {"id": "b", "type": "nope"},
                       {"id": "c", "type": "http", "next": "c"}]}
            """);

        Assert.Contains(errors, e => e is { StepId: "a", Field: "next" } && e.Message.Contains("ghost"));
        Assert.Contains(errors, e => e is { StepId: "b", Field: "type" });
        Assert.Contains(errors, e => e is { StepId: "b", Field: "id" });
        Assert.Contains(errors, e => e is { StepId: "c", Field: "config.url" });
        Assert.Contains(errors, e => e is { StepId: "c", Field: "next" } && e.Message.Contains("cycle"));
    }
}
