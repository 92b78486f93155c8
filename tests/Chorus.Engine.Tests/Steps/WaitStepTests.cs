using Chorus.Engine.Steps;
using static Chorus.Engine.Tests.Steps.StepTestKit;

namespace Chorus.Engine.Tests.Steps;

public sealed class WaitStepTests
{
    [Theory]
    [InlineData("""{"duration": 90}""", 90)]
    [InlineData("""{"duration": "5m"}""", 300)]
    [InlineData("""{"duration": "PT1H"}""", 3600)]
    [InlineData("""{"wait_type": "duration", "duration": "250ms"}""", 0.25)]
    public async Task ExecuteAsync_Duration_WaitsUntilNowPlusDuration(string config, double seconds)
    {
        var result = await RunAsync(Handler("wait"), Step("wait", config));

        var wait = Assert.IsType<StepResult.WaitUntil>(result);
        Assert.Equal(Now + TimeSpan.FromSeconds(seconds), wait.DueAt);
    }

    [Fact]
    public async Task ExecuteAsync_FutureUntil_WaitsUntilThatTime()
    {
        var result = await RunAsync(Handler("wait"), Step("wait", """{"until": "2030-06-01T12:00:00+02:00"}"""));

        var wait = Assert.IsType<StepResult.WaitUntil>(result);
        Assert.Equal(new DateTimeOffset(2030, 6, 1, 10, 0, 0, TimeSpan.Zero), wait.DueAt);
    }

    [Fact]
    public async Task ExecuteAsync_PastUntil_CompletesAtOnce()
    {
        var result = await RunAsync(Handler("wait"), Step("wait", """{"wait_type": "until", "until": "2020-01-01T00:00:00Z"}"""));

        var completed = AssertCompleted(result);
        Assert.Equal("2020-01-01T00:00:00.0000000+00:00", completed.Output!["due_at"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"event": "approval_received"}""")]
    [InlineData("""{"wait_type": "event", "event": "approval_received"}""")]
    public async Task ExecuteAsync_Event_WaitsForSignal(string config)
    {
        var result = await RunAsync(Handler("wait"), Step("wait", config));

        var wait = Assert.IsType<StepResult.WaitForSignal>(result);
        Assert.Equal("approval_received", wait.Name);
        Assert.Equal(SignalKind.Event, wait.Kind);
    }

    [Fact]
    public async Task ExecuteAsync_TwoForms_ThrowsConfigurationError()
    {
        await Assert.ThrowsAsync<StepConfigurationException>(() =>
            RunAsync(Handler("wait"), Step("wait", """{"duration": 5, "event": "x"}""")));
    }

    [Theory]
    [InlineData("""{}""", "config")]
    [InlineData("""{"duration": 5, "until": "2030-01-01T00:00:00Z"}""", "config")]
    [InlineData("""{"duration": "soon"}""", "config.duration")]
    [InlineData("""{"until": "tomorrow-ish"}""", "config.until")]
    [InlineData("""{"event": ""}""", "config.event")]
    [InlineData("""{"wait_type": "forever"}""", "config.wait_type")]
    [InlineData("""{"wait_type": "event"}""", "config.event")]
    public void ValidateConfig_BadConfig_ReportsField(string config, string field)
    {
        Assert.Equal([field], Fields(Handler("wait"), Step("wait", config)));
    }

    [Theory]
    [InlineData("""{"duration": "30s"}""")]
    [InlineData("""{"until": "{{ $.input.deadline }}"}""")]
    [InlineData("""{"wait_type": "event", "event": "approval_received"}""")]
    public void ValidateConfig_GoodConfig_NoIssues(string config)
    {
        Assert.Empty(Handler("wait").ValidateConfig(Step("wait", config)));
    }
}
