using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Benchmarks;

/// <summary>The workloads' step body: adds one to <c>$.variables.counter</c>, so the engine cannot skip it and
/// every step changes the context that must be committed.</summary>
internal sealed class IncrementStep : IStepHandler
{
    public string Type => "increment";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var counter = context.Data["variables"]?["counter"]?.GetValue<int>() ?? 0;
        var next = counter + 1;
        return Task.FromResult<StepResult>(new StepResult.Completed(
            new JsonObject { ["counter"] = next },
            Variables: new Dictionary<string, JsonNode?> { ["counter"] = next }));
    }
}
