using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class AddFieldStepTests
{
    [Fact]
    public async Task ExecuteAsync_SingleField_WritesVariableAndOutputsIt()
    {
        var completed = AssertCompleted(await RunAsync(Handler("addField"), Step("addField", """{"field": "status", "value": "ok"}""")));

        AssertJson("""{"status": "ok"}""", completed.Output);
        Assert.Equal("ok", completed.Variables!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_DottedField_ReturnsWholeUpdatedTopLevelVariable()
    {
        var step = Step("addField", """{"field": "user.address.city", "value": "Lyon"}""");

        var completed = AssertCompleted(await RunAsync(Handler("addField"), step,
            """{"variables": {"user": {"name": "Ada", "address": {"zip": "69001"}}}}"""));

        AssertJson("""{"name": "Ada", "address": {"zip": "69001", "city": "Lyon"}}""", completed.Variables!["user"]);
        AssertJson("""{"user.address.city": "Lyon"}""", completed.Output);
    }

    [Fact]
    public async Task ExecuteAsync_IndexedPath_CreatesArray()
    {
        var completed = AssertCompleted(await RunAsync(Handler("addField"), Step("addField", """{"field": "list[1].v", "value": 5}""")));

        AssertJson("""[null, {"v": 5}]""", completed.Variables!["list"]);
    }

    [Fact]
    public async Task ExecuteAsync_SeveralFields_WritesEach()
    {
        var step = Step("addField", """{"fields": {"a": 1, "b.c": true}}""");

        var completed = AssertCompleted(await RunAsync(Handler("addField"), step, """{"variables": {"b": {"d": 0}}}"""));

        Assert.Equal(1, completed.Variables!["a"]!.GetValue<int>());
        AssertJson("""{"d": 0, "c": true}""", completed.Variables["b"]);
    }

    [Fact]
    public async Task ExecuteAsync_DoesNotChangeTheContextSnapshot()
    {
        var context = Context(Step("addField", """{"field": "user.name", "value": "Bob"}"""), """{"variables": {"user": {"name": "Ada"}}}""");

        await Handler("addField").ExecuteAsync(context, CancellationToken.None);

        Assert.Equal("Ada", context.Data["variables"]!["user"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""", "config.field")]
    [InlineData("""{"field": "a"}""", "config.value")]
    [InlineData("""{"field": 3, "value": 1}""", "config.field")]
    [InlineData("""{"fields": {}}""", "config.fields")]
    public void ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Contains(field, Fields(Handler("addField"), Step("addField", config)));
    }
}
