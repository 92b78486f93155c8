using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Steps;

/// <summary>The demo's slow step (4 s by default): normalises the fetched user and computes its score. It waits
/// with the call's token, so a caller that gives up stops it; and it logs how many times it ran for each
/// idempotency key, which shows that a redelivered attempt did not run it again.</summary>
internal sealed class TransformDataStep(TimeProvider time, ILogger<TransformDataStep> logger) : IStepHandler
{
    private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);

    public string Name => "transform_data";

    public string Description => "Normalises the fetched user (name, email) and computes its score; slow on purpose (config.delay_ms, 4000 by default).";

    public JsonObject ConfigSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "properties": {
            "delay_ms": {"type": "integer", "minimum": 0, "maximum": 600000, "description": "How long the work takes (4000)."},
            "user_path": {"type": "string", "description": "Where the user is in the context (fetch_user)."},
            "weight": {"type": "number", "minimum": 0, "description": "Multiplies the user's score (1)."},
            "admin_bonus": {"type": "integer", "description": "Added to an admin's score (10)."}
          }
        }
        """);

    public JsonObject OutputSchema { get; } = StepSchemas.Parse("""
        {
          "type": "object",
          "required": ["user_id", "name", "email", "role", "score"],
          "properties": {
            "user_id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "role": {"type": "string"},
            "score": {"type": "integer", "minimum": 0, "maximum": 100}
          }
        }
        """);

    public async Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        var userPath = request.GetConfig("user_path", "fetch_user");
        if (request.Find(userPath) is not JsonObject user)
            throw new StepException("invalid_input", $"No user at '{userPath}' in the context: run fetch_user first, or set config.user_path.",
                details: new JsonObject { ["field"] = userPath });
        // A demo counter, bounded so that a long-running service does not grow without end.
        if (_runs.Count > 10_000)
            _runs.Clear();
        var run = request.IdempotencyKey is { } key ? _runs.AddOrUpdate(key, 1, (_, n) => n + 1) : 1;
        logger.LogInformation("transform_data run {Run} for idempotency key {IdempotencyKey}", run, request.IdempotencyKey ?? "(none)");

        await Task.Delay(TimeSpan.FromMilliseconds(request.GetConfig("delay_ms", 4000)), time, ct);

        var role = (Text(user["role"]) ?? "user").Trim().ToLowerInvariant();
        var baseScore = user["score"] is JsonValue s && s.TryGetValue<int>(out var sc) ? sc : 0;
        var score = (int)Math.Round(baseScore * request.GetConfig("weight", 1.0)) + (role == "admin" ? request.GetConfig("admin_bonus", 10) : 0);
        return new JsonObject
        {
            ["user_id"] = user["id"]?.DeepClone(),
            ["name"] = NormaliseName(Text(user["name"]) ?? ""),
            ["email"] = (Text(user["email"]) ?? "").Trim().ToLowerInvariant(),
            ["role"] = role,
            ["score"] = Math.Clamp(score, 0, 100),
        };
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    // "  grace   HOPPER " -> "Grace Hopper".
    private static string NormaliseName(string name) =>
        string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(w.ToLowerInvariant())));
}
