using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class ParallelStepTests
{
    [Fact]
    public async Task ExecuteAsync_GraphBranches_CompletesWithBranchIdsAndNoChoice()
    {
        var step = Step("parallel", next: ["a", "b", "c"]);

        var completed = AssertCompleted(await RunAsync(Handler("parallel"), step));

        AssertJson("""{"branches": ["a", "b", "c"]}""", completed.Output);
        Assert.Null(completed.ChosenNext);
    }

    [Fact]
    public async Task ExecuteAsync_InlineActions_RunsEachAndKeepsOrderAndLogs()
    {
        var step = Step("parallel", """
            {"parallel_steps": [
              {"action": "log_message", "message": "one"},
              {"action": "set_variable", "name": "x", "value": 7},
              {"type": "addField", "config": {"fields": {"y": "z"}}}]}
            """);
        var context = Context(step);

        var completed = AssertCompleted(await Handler("parallel").ExecuteAsync(context, CancellationToken.None));

        AssertJson("""
            {"results": [{"message": "one", "level": "info"}, {"name": "x", "value": 7}, {"y": "z"}]}
            """, completed.Output);
        Assert.Equal(7, completed.Variables!["x"]!.GetValue<int>());
        Assert.Equal("z", completed.Variables["y"]!.GetValue<string>());
        Assert.Equal("one", Assert.Single(context.Logs).Message);
    }

    [Fact]
    public async Task ExecuteAsync_InlineBranchFails_FailsWithItsRetryability()
    {
        var step = Step("parallel", """
            {"parallel_steps": [{"action": "log_message", "message": "ok"},
                                {"action": "http_request", "url": "http://127.0.0.1:1/"}]}
            """);

        var failed = Assert.IsType<StepResult.Failed>(await RunAsync(Handler("parallel"), step, services: TestStepServices.AllowingLocalServers()));

        Assert.Equal("http_error", failed.Code);
        Assert.True(failed.Retryable);
        Assert.StartsWith("s1[1]:", failed.Message);
    }

    [Fact]
    public async Task ExecuteAsync_InlineBranchWaits_ThrowsConfigurationError()
    {
        var step = Step("parallel", """{"parallel_steps": [{"type": "wait", "config": {"duration": 5}}]}""");

        await Assert.ThrowsAsync<StepConfigurationException>(() => RunAsync(Handler("parallel"), step));
    }

    [Theory]
    [InlineData("""{"parallel_steps": []}""", "config.parallel_steps")]
    [InlineData("""{"parallel_steps": [3]}""", "config.parallel_steps[0]")]
    [InlineData("""{"parallel_steps": [{"action": "process_data_1"}]}""", "config.parallel_steps[0].action")]
    [InlineData("""{"parallel_steps": [{"action": "log_message"}]}""", "config.parallel_steps[0].message")]
    [InlineData("""{"parallel_steps": [{"type": "nope"}]}""", "config.parallel_steps[0].type")]
    [InlineData("""{"parallel_steps": [{"type": "wait", "config": {"duration": "1h"}}]}""", "config.parallel_steps[0].type")]
    [InlineData("""{"parallel_steps": [{"type": "manualInput", "config": {}}]}""", "config.parallel_steps[0].type")]
    public void ValidateConfig_BadInlineItems_ReportsField(string config, string field)
    {
        Assert.Contains(field, Fields(Handler("parallel"), Step("parallel", config)));
    }

    [Fact]
    public void ValidateConfig_GraphForm_NoIssues()
    {
        Assert.Empty(Handler("parallel").ValidateConfig(Step("parallel", next: ["a", "b"])));
    }
}
