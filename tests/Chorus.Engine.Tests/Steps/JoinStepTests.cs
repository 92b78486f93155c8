using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class JoinStepTests
{
    private const string Data = """{"a": {"x": 1, "shared": "a"}, "b": {"y": 2, "shared": "b"}, "c": 3}""";

    [Fact]
    public async Task ExecuteAsync_Default_CollectsOutputsByPredecessorAndSkipsMissing()
    {
        var completed = AssertCompleted(await RunAsync(Handler("join"), Step("join"), Data, predecessors: ["a", "skipped", "c"]));

        AssertJson("""{"a": {"x": 1, "shared": "a"}, "c": 3}""", completed.Output);
    }

    [Fact]
    public async Task ExecuteAsync_Merge_CombinesObjectOutputsLaterWins()
    {
        var step = Step("join", """{"mode": "merge"}""");

        var completed = AssertCompleted(await RunAsync(Handler("join"), step, Data, predecessors: ["a", "b", "c"]));

        AssertJson("""{"x": 1, "shared": "b", "y": 2, "c": 3}""", completed.Output);
    }

    [Fact]
    public void ValidateConfig_UnknownMode_ReportsMode()
    {
        Assert.Equal(["config.mode"], Fields(Handler("join"), Step("join", """{"mode": "zip"}""")));
        Assert.Empty(Handler("join").ValidateConfig(Step("join", """{"mode": "merge"}""")));
    }
}
