using System.Text.Json.Nodes;
using Chorus.Steps;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Sdk;

/// <summary>A service whose steps the engine could not use does not start.</summary>
public sealed class StartupTests
{
    private static readonly Func<StepRequest, CancellationToken, Task<JsonNode?>> Nothing = (_, _) => Task.FromResult<JsonNode?>(null);

    [Theory]
    [InlineData("Fetch")]
    [InlineData("9lives")]
    [InlineData("has-dash")]
    [InlineData("")]
    public async Task A_step_name_outside_the_protocols_pattern_stops_the_start(string name)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SdkServices.StartAsync(s => s.AddStep(name, "d", Nothing)));

        Assert.Contains("must match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_steps_with_one_name_stop_the_start()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SdkServices.StartAsync(s => s.AddStep("twice", "a", Nothing).AddStep("twice", "b", Nothing)));

        Assert.Contains("'twice'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_schema_that_is_not_json_schema_stops_the_start()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SdkServices.StartAsync(s => s.AddStep("broken", "d", Nothing, configSchema: new JsonObject { ["type"] = 12 })));

        Assert.Contains("'broken'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_without_AddChorusSteps_says_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapChorusSteps());

        Assert.Contains("AddChorusSteps", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_out_of_range_stop_the_start()
    {
        Assert.Throws<InvalidOperationException>(() => new ChorusStepsOptions { MaxBodyBytes = 10 }.Validate());
        Assert.Throws<InvalidOperationException>(() => new ChorusStepsOptions { IdempotencyCacheSize = -1 }.Validate());
    }

    [Fact]
    public void A_step_exception_needs_a_code_and_an_error_status()
    {
        Assert.Throws<ArgumentException>(() => new StepException(" ", "m"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepException("c", "m", status: 200));
    }
}
