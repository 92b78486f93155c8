using System.Text.Json.Nodes;

namespace Chorus.Engine.Definitions;

/// <summary>A test case a workflow carries (<c>tests</c> in its definition): an input, the events and manual inputs
/// to give when the execution waits for them, and what the run must end with. Run with time skipped, so a case
/// of a workflow that waits for days still answers in seconds.</summary>
public sealed record WorkflowTestCase
{
    public required string Name { get; init; }
    public JsonNode? Input { get; init; }
    public IReadOnlyList<TestEvent> Events { get; init; } = [];
    public IReadOnlyDictionary<string, JsonNode?> Inputs { get; init; } = new Dictionary<string, JsonNode?>();
    public required TestExpectation Expect { get; init; }
}

/// <summary>What a test case expects; each part given is checked, the others are not.</summary>
public sealed record TestExpectation
{
    /// <summary>The status the run ends in: completed, failed, waiting or cancelled.</summary>
    public string? Status { get; init; }
    /// <summary>Checked when <see cref="ChecksOutput"/>: every field given must be in the output with that value
    /// (objects match as subsets, arrays item by item); other fields of the output are free.</summary>
    public JsonNode? Output { get; init; }
    public bool ChecksOutput { get; init; }
    /// <summary>The step ids the run went through, in order (a retried step counts once).</summary>
    public IReadOnlyList<string>? Path { get; init; }
}

/// <summary>An event a test run hands to the step waiting for one of its name.</summary>
public sealed record TestEvent(string Name, JsonNode? Payload);
