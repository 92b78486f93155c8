using System.Text.Json.Nodes;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;

namespace Chorus.Engine.History;

/// <summary>A step's recorded result, given back instead of running it in a re-run from a point of history: what a
/// completed run returned (output, variables written, a condition's choice) or how a failed one failed. Kept as JSON
/// in the re-run's state, so it survives a restart like the rest of the execution.</summary>
internal static class StepStub
{
    public const string LogMessage = "Gave back the result recorded in the original execution instead of running the step";

    /// <summary>Null for a run whose result cannot be given back: one still waiting, or a failure that was retried.</summary>
    public static JsonObject? Of(StepRunRecord run) => run.Status switch
    {
        "completed" => new JsonObject
        {
            ["output"] = run.Output?.DeepClone(),
            ["variables"] = run.Variables?.DeepClone(),
            ["next"] = run.Next?.DeepClone(),
            ["input"] = run.Input?.DeepClone(),
        },
        "failed" when run.Next is not null || run.StatusAfter == ExecutionStatus.Failed.ToWire() => new JsonObject
        {
            ["error"] = run.Error?.DeepClone(),
            ["input"] = run.Input?.DeepClone(),
        },
        _ => null,
    };

    /// <summary>A failure given back is final: the original's retries are over, so the engine takes its on_error route
    /// or fails the execution, as it did the first time.</summary>
    public static StepResult Result(JsonObject stub)
    {
        if (stub["error"] is JsonObject error)
            return new StepResult.Failed(error["code"]?.GetValue<string>() ?? ErrorCodes.WorkflowExecutionError,
                error["message"]?.GetValue<string>() ?? "The recorded run failed.", error["details"]?.DeepClone(), Retryable: false);
        var variables = stub["variables"] is JsonObject written
            ? written.ToDictionary(v => v.Key, v => v.Value?.DeepClone(), StringComparer.Ordinal)
            : null;
        var next = stub["next"] is JsonArray chosen ? chosen.Select(n => n!.GetValue<string>()).ToList() : null;
        return new StepResult.Completed(stub["output"]?.DeepClone(), next, variables);
    }
}
