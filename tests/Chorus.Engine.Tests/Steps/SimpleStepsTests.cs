using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

/// <summary>The step types with little behaviour: trigger, comment, output, webhook, manualInput, subflow.</summary>
public sealed class SimpleStepsTests
{
    private const string Data = """{"input": {"n": 1}, "variables": {"v": 2}}""";

    [Fact]
    public async Task Trigger_ExecuteAsync_OutputsTheInput()
    {
        AssertJson("""{"n": 1}""", AssertCompleted(await RunAsync(Handler("trigger"), Step("trigger"), Data)).Output);
    }

    [Fact]
    public async Task Comment_ExecuteAsync_OutputsNull()
    {
        Assert.Null(AssertCompleted(await RunAsync(Handler("comment"), Step("comment", """{"text": "why"}"""), Data)).Output);
    }

    [Theory]
    [InlineData("""{"value": [1, 2]}""", """[1, 2]""")]
    [InlineData("""{"value": null}""", """null""")]
    [InlineData("""{"summary": "done"}""", """{"summary": "done"}""")]
    [InlineData("""{}""", """{"v": 2}""")]
    public async Task Output_ExecuteAsync_PicksValueThenConfigThenVariables(string config, string expected)
    {
        AssertJson(expected, AssertCompleted(await RunAsync(Handler("output"), Step("output", config), Data)).Output);
    }

    [Theory]
    [InlineData("""{"name": "stripe_paid"}""", "stripe_paid")]
    [InlineData("""{}""", "s1")]
    public async Task Webhook_ExecuteAsync_WaitsForEventNamedByConfigOrStep(string config, string name)
    {
        var wait = Assert.IsType<StepResult.WaitForSignal>(await RunAsync(Handler("webhook"), Step("webhook", config)));

        Assert.Equal((name, SignalKind.Event), (wait.Name, wait.Kind));
    }

    [Fact]
    public async Task ManualInput_ExecuteAsync_WaitsUnderStepIdWithSchemaFromFields()
    {
        var step = Step("manualInput", """
            {"prompt": "Approve?", "fields": [{"name": "ok", "type": "boolean", "required": true}, {"name": "note", "type": "textarea"}]}
            """, id: "approve");

        var wait = Assert.IsType<StepResult.WaitForSignal>(await RunAsync(Handler("manualInput"), step));

        Assert.Equal(("approve", SignalKind.ManualInput), (wait.Name, wait.Kind));
        AssertJson("""
            {"type": "object", "properties": {"ok": {"type": "boolean"}, "note": {"type": "string"}}, "required": ["ok"]}
            """, wait.InputSchema);
    }

    [Fact]
    public async Task ManualInput_ExecuteAsync_PassesGivenSchema()
    {
        var step = Step("manualInput", """{"schema": {"type": "object", "required": ["x"]}}""");

        var wait = Assert.IsType<StepResult.WaitForSignal>(await RunAsync(Handler("manualInput"), step));

        AssertJson("""{"type": "object", "required": ["x"]}""", wait.InputSchema);
    }

    [Theory]
    [InlineData("""{"schema": "x"}""", "config.schema")]
    [InlineData("""{"fields": [{"type": "string"}]}""", "config.fields[0].name")]
    [InlineData("""{"fields": {}}""", "config.fields")]
    public void ManualInput_ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Equal([field], Fields(Handler("manualInput"), Step("manualInput", config)));
    }

    [Theory]
    [InlineData("""{"workflow_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "input": {"k": true}}""", """{"k": true}""")]
    [InlineData("""{"subflow_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}""", """{"n": 1}""")]
    public async Task Subflow_ExecuteAsync_StartsChildWithInput(string config, string input)
    {
        var start = Assert.IsType<StepResult.StartChild>(await RunAsync(Handler("subflow"), Step("subflow", config), Data));

        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), start.WorkflowId);
        AssertJson(input, start.Input);
    }

    [Theory]
    [InlineData("""{}""", "config.workflow_id")]
    [InlineData("""{"subflow_id": "data_processing_template_id"}""", "config.subflow_id")]
    [InlineData("""{"workflow_id": 12}""", "config.workflow_id")]
    public void Subflow_ValidateConfig_BadId_ReportsField(string config, string field)
    {
        Assert.Equal([field], Fields(Handler("subflow"), Step("subflow", config)));
    }

    [Fact]
    public async Task Subflow_ExecuteAsync_BadIdAtRunTime_ThrowsConfigurationError()
    {
        await Assert.ThrowsAsync<StepConfigurationException>(() =>
            RunAsync(Handler("subflow"), Step("subflow", """{"workflow_id": "nope"}""")));
    }

    [Fact]
    public void Webhook_ValidateConfig_NonStringName_ReportsName()
    {
        Assert.Equal(["config.name"], Fields(Handler("webhook"), Step("webhook", """{"name": 4}""")));
    }

    [Fact]
    public async Task Trigger_ExecuteAsync_OutputIsACopy()
    {
        var context = Context(Step("trigger"), Data);

        var output = AssertCompleted(await Handler("trigger").ExecuteAsync(context, CancellationToken.None)).Output!;
        output["n"] = 99;

        Assert.Equal(1, context.Data["input"]!["n"]!.GetValue<int>());
        Assert.IsType<JsonObject>(output);
    }
}
