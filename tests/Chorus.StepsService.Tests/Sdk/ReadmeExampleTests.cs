using System.Text.Json.Nodes;
using Chorus.Steps;
using Chorus.StepsService.Tests.Infrastructure;

namespace Chorus.StepsService.Tests.Sdk;

/// <summary>The README's few-lines steps service, as written there (only the port differs).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_steps_service_lists_and_runs_its_step()
    {
        // From the README:
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddChorusSteps().AddStepHandler<Greet>();
        var app = builder.Build();
        app.MapChorusSteps();
        await using var service = await RunningService.StartAsync(app);

        var catalog = await service.SendAsync(HttpMethod.Get, "/steps");
        Assert.Equal("greet", catalog.Body!["steps"]![0]!["name"]!.GetValue<string>());
        var answer = await service.CallAsync("greet", new JsonObject { ["input"] = new JsonObject { ["name"] = "Ada" } },
            new JsonObject { ["greeting"] = "Hola" });
        Assert.Equal("Hola, Ada!", answer.OutputObject["message"]!.GetValue<string>());
        (await service.CallAsync("greet", config: new JsonObject { ["greeting"] = 5 })).AssertError(400, "step_configuration_error");
    }

    // The README's step, verbatim.
    private sealed class Greet : IStepHandler
    {
        public string Name => "greet";
        public string Description => "Greets input.name.";
        public JsonObject ConfigSchema { get; } = new()
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["greeting"] = new JsonObject { ["type"] = "string" } },
        };
        public JsonObject OutputSchema { get; } = [];

        public Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
        {
            var name = request.GetContext("input.name", "world");
            var greeting = request.GetConfig("greeting", "Hello");
            return Task.FromResult<JsonNode?>(new JsonObject { ["message"] = $"{greeting}, {name}!" });
        }
    }
}
