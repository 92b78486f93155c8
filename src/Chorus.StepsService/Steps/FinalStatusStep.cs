using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Steps;

/// <summary>The two ends of the demo: record the final status of the user the workflow decided on.</summary>
internal abstract class FinalStatusStep(TimeProvider time) : IStepHandler
{
    protected abstract string Status { get; }

    public abstract string Name { get; }

    public string Description => $"Marks the user as {Status}: {{status: \"{Status}\", user_id, at}} (user_id from config, else transform_data, fetch_user or the input).";

    public JsonObject ConfigSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "properties": {
            "user_id": {"type": ["integer", "string"]},
            "reason": {"type": "string", "maxLength": 1000}
          }
        }
        """);

    public JsonObject OutputSchema => StepSchemas.Final(Status);

    public Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        var userId = UserDirectory.ParseId(request.Config["user_id"] ?? request.Find("transform_data.user_id")
            ?? request.Find("fetch_user.id") ?? request.Find("input.user_id") ?? request.Find("initial_data.user_id"));
        var output = new JsonObject
        {
            ["status"] = Status,
            ["user_id"] = userId,
            ["at"] = time.GetUtcNow().ToString("O"),
        };
        if (request.GetConfig<string?>("reason", null) is { } reason)
            output["reason"] = reason;
        return Task.FromResult<JsonNode?>(output);
    }
}
