using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>How one test case of a workflow ran: passed when <see cref="Differences"/> is empty.</summary>
public sealed record TestCaseResult
{
    public required string Name { get; init; }
    public bool Passed => Differences.Count == 0;
    /// <summary>The test execution, or null when it could not start (its input was refused).</summary>
    public Guid? ExecutionId { get; init; }
    public ExecutionStatus? Status { get; init; }
    public JsonNode? Output { get; init; }
    public IReadOnlyList<string> Path { get; init; } = [];
    public IReadOnlyList<TestDifference> Differences { get; init; } = [];
    public TimeSpan SkippedTime { get; init; }
}

/// <summary>One way a run differs from its test case: <see cref="Field"/> is <c>status</c>, <c>path</c>,
/// <c>output</c> or a dotted path inside it such as <c>output.items[0].id</c>, or <c>run</c> when the run could not go
/// on (its input or a manual input was refused, or it ran out of time).</summary>
public sealed record TestDifference(string Field, JsonNode? Expected, JsonNode? Actual, string Message);

/// <summary>The test cases of one workflow version and how each ran.</summary>
public sealed record TestReport
{
    public required Guid WorkflowId { get; init; }
    public required int Version { get; init; }
    public required IReadOnlyList<TestCaseResult> Cases { get; init; }
    public bool Passed => Cases.All(c => c.Passed);
}
