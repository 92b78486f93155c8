using System.Text.Json.Nodes;

namespace Chorus.Steps;

/// <summary>A step registered as a function with <see cref="StepsServiceCollectionExtensions.AddStep"/>.</summary>
internal sealed class FunctionStepHandler(string name, string description, Func<StepRequest, CancellationToken, Task<JsonNode?>> run,
    JsonObject configSchema, JsonObject outputSchema, TimeSpan? timeout) : IStepHandler
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public JsonObject ConfigSchema { get; } = configSchema;
    public JsonObject OutputSchema { get; } = outputSchema;
    public TimeSpan? Timeout { get; } = timeout;

    public Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct) => run(request, ct);
}
