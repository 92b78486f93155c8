using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Steps;

/// <summary>Approves when a score reaches a threshold; the workflow then branches on <c>approved</c>.</summary>
internal sealed class DecideStep : IStepHandler
{
    public string Name => "decide";

    public string Description => "Approves when the score (config.score, else the context at config.score_path, else transform_data.score) reaches config.threshold (50).";

    public JsonObject ConfigSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "properties": {
            "threshold": {"type": "number", "description": "The lowest approved score (50)."},
            "score": {"type": "number", "description": "The score itself, when the workflow computed it."},
            "score_path": {"type": "string", "description": "Where the score is in the context (transform_data.score, then fetch_user.score)."}
          }
        }
        """);

    public JsonObject OutputSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "required": ["approved", "score", "threshold"],
          "properties": {
            "approved": {"type": "boolean"},
            "score": {"type": "number"},
            "threshold": {"type": "number"}
          }
        }
        """);

    public Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        var threshold = request.GetConfig("threshold", 50.0);
        var score = request.GetConfig<double?>("score", null) ?? ScoreFromContext(request);
        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["approved"] = score >= threshold,
            ["score"] = score,
            ["threshold"] = threshold,
        });
    }

    private static double ScoreFromContext(StepRequest request)
    {
        string[] paths = request.GetConfig<string?>("score_path", null) is { } configured ? [configured] : ["transform_data.score", "fetch_user.score"];
        foreach (var path in paths)
            if (request.GetContext<double?>(path, null) is { } score)
                return score;
        throw new StepException("invalid_input", $"No score in the context at {string.Join(" or ", paths)}; set config.score or config.score_path.",
            details: new JsonObject { ["field"] = paths[0] });
    }
}
