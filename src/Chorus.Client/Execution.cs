using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Chorus.Client;

/// <summary>An execution of a workflow.</summary>
public record Execution : ChorusAnswer
{
    /// <summary>The execution's id (a UUID).</summary>
    public required string Id { get; init; }

    /// <summary>The workflow it runs.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The workflow version it runs (pinned when it started).</summary>
    public int WorkflowVersion { get; init; }

    /// <summary><c>created</c>, <c>pending</c>, <c>running</c>, <c>waiting</c>, <c>paused</c>, <c>completed</c>,
    /// <c>failed</c> or <c>cancelled</c>.</summary>
    public string? Status { get; init; }

    /// <summary><c>automatic</c>, or <c>manual</c> (one step per advance).</summary>
    public string? Mode { get; init; }

    /// <summary>The step it is at.</summary>
    public string? CurrentStep { get; init; }

    /// <summary>How many of its steps are done.</summary>
    public ExecutionProgress? Progress { get; init; }

    /// <summary>The share of its steps done, from 0 to 1.</summary>
    public double? ProgressFraction { get; init; }

    /// <summary>Its input.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>Its output, once completed.</summary>
    public JsonNode? Output { get; init; }

    /// <summary>Why it failed.</summary>
    public ExecutionError? Error { get; init; }

    /// <summary>The execution that started it as a subflow.</summary>
    public string? ParentExecutionId { get; init; }

    /// <summary>After a retry from the start: the execution this one runs again.</summary>
    public string? RetryOf { get; init; }

    /// <summary>Whether it is a test execution.</summary>
    public bool IsTest { get; init; }

    /// <summary>Its search attributes and their values.</summary>
    public IReadOnlyDictionary<string, string>? SearchAttributes { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>How long it ran, once ended.</summary>
    public long? DurationMs { get; init; }

    /// <summary>Whether it has ended: completed, failed or cancelled.</summary>
    [JsonIgnore]
    public bool IsEnded => Status is "completed" or "failed" or "cancelled";
}

/// <summary>How many of an execution's steps are done.</summary>
public sealed record ExecutionProgress
{
    /// <summary>The steps on its path.</summary>
    [JsonPropertyName("totalNodes")]
    public int TotalNodes { get; init; }

    /// <summary>The steps done.</summary>
    [JsonPropertyName("completedNodes")]
    public int CompletedNodes { get; init; }

    /// <summary>The share done, from 0 to 100.</summary>
    public double Percentage { get; init; }
}

/// <summary>Why an execution or a step failed.</summary>
public sealed record ExecutionError
{
    /// <summary>The error code, e.g. <c>timeout</c>.</summary>
    public string? Code { get; init; }

    /// <summary>The message.</summary>
    public string? Message { get; init; }

    /// <summary>The step that failed.</summary>
    public string? StepId { get; init; }

    /// <summary>That step's name.</summary>
    public string? StepName { get; init; }

    /// <summary>More about it.</summary>
    public JsonNode? Details { get; init; }
}

/// <summary>The answer of a test execution: the execution, run there and then, with its trace.</summary>
public sealed record TestExecution : Execution
{
    /// <summary>True when it had not ended when the server stopped waiting for it.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Its step runs.</summary>
    public IReadOnlyList<StepRun>? Steps { get; init; }

    /// <summary>With debug mode: its whole context.</summary>
    public JsonObject? Context { get; init; }

    /// <summary>With debug mode: its log lines.</summary>
    public IReadOnlyList<LogLine>? Logs { get; init; }
}

/// <summary>One run (attempt) of one step.</summary>
public sealed record StepRun : ChorusAnswer
{
    /// <summary>The step's id.</summary>
    public string? StepId { get; init; }

    /// <summary>The step's name.</summary>
    public string? StepName { get; init; }

    /// <summary>The step's type.</summary>
    public string? Type { get; init; }

    /// <summary>The attempt, from 1.</summary>
    public int Attempt { get; init; }

    /// <summary>How the attempt went.</summary>
    public string? Status { get; init; }

    /// <summary>The resolved config and input it ran with.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>What it answered.</summary>
    public JsonNode? Output { get; init; }

    /// <summary>Why it failed.</summary>
    public ExecutionError? Error { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How long it took.</summary>
    public long? DurationMs { get; init; }

    /// <summary>The key it forwarded to anything external: execution:step:attempt.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>One log line of an execution.</summary>
public sealed record LogLine : ChorusAnswer
{
    /// <summary>When it was written.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Its level, e.g. info.</summary>
    public string? Level { get; init; }

    /// <summary>The step it is about.</summary>
    public string? StepId { get; init; }

    /// <summary>The message.</summary>
    public string? Message { get; init; }

    /// <summary>Data that goes with it.</summary>
    public JsonNode? Data { get; init; }
}
