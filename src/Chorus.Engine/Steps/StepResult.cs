using System.Text.Json.Nodes;

namespace Chorus.Engine.Steps;

/// <summary>How an attempt ended. Either the step is done (with output), failed, or the execution must wait
/// for something outside the handler (time, an event, a person, a child execution).</summary>
public abstract record StepResult
{
    /// <param name="Output">Saved under the step id in the context.</param>
    /// <param name="ChosenNext">Only these successors run (conditions); null means all of them.</param>
    /// <param name="Variables">Values written into <c>$.variables</c>.</param>
    public sealed record Completed(JsonNode? Output, IReadOnlyList<string>? ChosenNext = null,
        IReadOnlyDictionary<string, JsonNode?>? Variables = null) : StepResult;

    /// <param name="Retryable">False for errors that another attempt cannot fix (bad config, 4xx).</param>
    public sealed record Failed(string Code, string Message, JsonNode? Details = null, bool Retryable = true) : StepResult;

    /// <summary>Resume at a time; the step then completes with <paramref name="Output"/>.</summary>
    public sealed record WaitUntil(DateTimeOffset DueAt, JsonNode? Output = null) : StepResult;

    /// <summary>Wait for a named event sent through the API (or a manual input when Kind is ManualInput).</summary>
    public sealed record WaitForSignal(string Name, SignalKind Kind, JsonObject? InputSchema = null) : StepResult;

    /// <summary>Start another workflow as a child; the step completes with the child's output.</summary>
    /// <param name="Recursive">The step may start a workflow already on its ancestor chain (up to the depth limit).</param>
    public sealed record StartChild(Guid WorkflowId, JsonNode? Input, bool Recursive = false) : StepResult;

    public static Completed Done(JsonNode? output = null) => new(output);
}

public enum SignalKind { Event, ManualInput }
