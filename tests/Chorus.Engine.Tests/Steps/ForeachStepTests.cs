using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class ForeachStepTests
{
    private const string ListData = """{"input": {"list": [1, 2, 3]}}""";

    [Fact]
    public async Task ExecuteAsync_LiteralItemsWithTemplateFreeBody_RunsBodyPerItem()
    {
        var step = Step("foreach", """
            {"items": ["a", "b"], "step": {"type": "addField", "config": {"field": "seen", "value": true}}}
            """);

        var completed = AssertCompleted(await RunAsync(Handler("foreach"), step));

        AssertJson("""{"items": [{"seen": true}, {"seen": true}], "count": 2}""", completed.Output);
        Assert.True(completed.Variables!["seen"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ExecuteAsync_MoreItemsThanMax_FailsNotRetryable()
    {
        var step = Step("foreach", """{"items": [1, 2, 3], "max_items": 2, "step": {"type": "comment"}}""");

        var failed = Assert.IsType<StepResult.Failed>(await RunAsync(Handler("foreach"), step));

        Assert.Equal("foreach_limit_exceeded", failed.Code);
        Assert.False(failed.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_DefaultMax_AllowsOneHundredItems()
    {
        var items = string.Join(",", Enumerable.Range(0, 101));
        var step = Step("foreach", $$$"""{"items": [{{{items}}}], "step": {"type": "comment"}}""");

        var failed = Assert.IsType<StepResult.Failed>(await RunAsync(Handler("foreach"), step));

        Assert.Equal("foreach_limit_exceeded", failed.Code);
    }

    [Fact]
    public async Task ExecuteAsync_BodyThatWaits_ThrowsConfigurationError()
    {
        var step = Step("foreach", """{"items": [1], "step": {"type": "wait", "config": {"event": "x"}}}""");

        await Assert.ThrowsAsync<StepConfigurationException>(() => RunAsync(Handler("foreach"), step));
    }

    [Fact]
    public async Task ExecuteAsync_BodyFails_FailsWithTheBodysCode()
    {
        var step = Step("foreach", """{"items": [1], "step": {"type": "http", "config": {"url": "http://127.0.0.1:1/"}}}""");

        var failed = Assert.IsType<StepResult.Failed>(await RunAsync(Handler("foreach"), step, services: TestStepServices.AllowingLocalServers()));

        Assert.Equal("http_error", failed.Code);
        Assert.StartsWith("s1[0]:", failed.Message);
    }

    [Fact]
    public async Task ExecuteAsync_TemplatedItemsAndBody_RendersBodyPerItem()
    {
        var step = Step("foreach", """
            {"items": "{{ $.input.list }}",
             "step": {"type": "output", "config": {"value": "{{ $.item }}-{{ $.index }}"}}}
            """);

        var completed = AssertCompleted(await RunAsync(Handler("foreach"), step, ListData));

        AssertJson("""{"items": ["1-0", "2-1", "3-2"], "count": 3}""", completed.Output);
    }

    [Fact]
    public async Task ExecuteAsync_ItemsExpression_EvaluatesIt()
    {
        var step = Step("foreach", """{"items_expression": "$.input.list", "step": {"type": "comment"}}""");

        var completed = AssertCompleted(await RunAsync(Handler("foreach"), step, ListData));

        Assert.Equal(3, completed.Output!["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"step": {"type": "comment"}}""", "config.items")]
    [InlineData("""{"items": 5, "step": {"type": "comment"}}""", "config.items")]
    [InlineData("""{"items": [], "max_items": 5000, "step": {"type": "comment"}}""", "config.max_items")]
    [InlineData("""{"items": []}""", "config.step")]
    [InlineData("""{"items": [], "step": {"type": "teleport"}}""", "config.step.type")]
    [InlineData("""{"items": [], "step": {"type": "http", "config": {}}}""", "config.step.config.url")]
    [InlineData("""{"items_expression": "$.input.(", "step": {"type": "comment"}}""", "config.items_expression")]
    [InlineData("""{"items": [], "step": {"type": "webhook", "config": {}}}""", "config.step.type")]
    public void ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Contains(field, Fields(Handler("foreach"), Step("foreach", config)));
    }
}
