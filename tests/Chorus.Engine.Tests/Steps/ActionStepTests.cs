using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class ActionStepTests
{
    [Theory]
    [InlineData("""{"action": "log_message", "message": "hi", "level": "error"}""", "error")]
    [InlineData("""{"action": "log_message", "message": "hi"}""", "info")]
    [InlineData("""{"action": "log_message", "message": "hi", "level": "WARN"}""", "warning")]
    public async Task ExecuteAsync_LogMessage_LogsAtLevel(string config, string level)
    {
        var context = Context(Step("action", config));

        var completed = AssertCompleted(await Handler("action").ExecuteAsync(context, CancellationToken.None));

        var entry = Assert.Single(context.Logs);
        Assert.Equal((level, "hi"), (entry.Level, entry.Message));
        AssertJson($$"""{"message": "hi", "level": "{{level}}"}""", completed.Output);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("variable")]
    public async Task ExecuteAsync_SetVariable_WritesVariable(string key)
    {
        var step = Step("action", $$"""{"action": "set_variable", "{{key}}": "count", "value": 3}""");

        var completed = AssertCompleted(await RunAsync(Handler("action"), step));

        Assert.Equal(3, completed.Variables!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExecuteAsync_HttpRequest_SharesTheHttpStep()
    {
        await using var server = new LocalHttpServer(_ => new(201, """{"id": 9}"""));
        var step = Step("action", $$$"""{"action": "http_request", "method": "POST", "url": "{{{server.BaseUrl}}}", "body": {"a": 1}}""");
        var context = Context(step, services: TestStepServices.AllowingLocalServers());

        var completed = AssertCompleted(await Handler("action").ExecuteAsync(context, CancellationToken.None));

        Assert.Equal(201, completed.Output!["status"]!.GetValue<int>());
        Assert.Equal(context.IdempotencyKey, Assert.Single(server.Requests).Headers["Idempotency-Key"]);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownAction_ThrowsConfigurationError()
    {
        await Assert.ThrowsAsync<StepConfigurationException>(() =>
            RunAsync(Handler("action"), Step("action", """{"action": "send_email", "to": "a@b"}""")));
    }

    [Fact]
    public void ValidateConfig_SendEmail_ReportsUnknownActionListingKnownOnes()
    {
        var issue = Assert.Single(Handler("action").ValidateConfig(Step("action", """{"action": "send_email"}""")));

        Assert.Equal("config.action", issue.Field);
        Assert.Contains("log_message", issue.Message);
        Assert.Contains("http_request", issue.Message);
    }

    [Theory]
    [InlineData("""{}""", "config.action")]
    [InlineData("""{"action": "log_message"}""", "config.message")]
    [InlineData("""{"action": "log_message", "message": "x", "level": "loud"}""", "config.level")]
    [InlineData("""{"action": "set_variable", "value": 1}""", "config.name")]
    [InlineData("""{"action": "http_request"}""", "config.url")]
    public void ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Equal([field], Fields(Handler("action"), Step("action", config)));
    }

    [Theory]
    [InlineData("WARN")]
    [InlineData("Warning")]
    [InlineData("warn")]
    public async Task LogLevels_InAnyCase_AreAcceptedAtSave_AndLogAsWarning(string level)
    {
        var step = Step("action", $$"""{"action": "log_message", "message": "careful", "level": "{{level}}"}""");

        Assert.Empty(Handler("action").ValidateConfig(step));
        var completed = AssertCompleted(await RunAsync(Handler("action"), step));
        Assert.Equal("warning", completed.Output!["level"]!.GetValue<string>());
    }
}
