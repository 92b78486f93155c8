using Chorus.Engine.Definitions;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>How a test run is driven beyond its input: with <see cref="SkipTime"/> its timers (waits, retry
/// backoff, the execution's time limit) fire as soon as nothing else can run, on a virtual clock; the events and
/// manual inputs are handed to the execution when it waits for them, so a whole approval flow runs in one call.</summary>
public sealed record TestRunOptions
{
    public bool SkipTime { get; init; }

    /// <summary>Delivered in order, each once, to a step waiting for an event of that name.</summary>
    public IReadOnlyList<TestEvent> Events { get; init; } = [];

    /// <summary>Manual input by step id, submitted when that step waits for it.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Inputs { get; init; } = new Dictionary<string, JsonNode?>();
}

/// <summary>A step the execution still waits on that the test run was given nothing for. <see cref="Kind"/> is
/// <c>event</c> (<see cref="Name"/> is the event's name) or <c>manual_input</c> (it is the step id).</summary>
public sealed record TestWait(Guid ExecutionId, string StepId, string Kind, string Name);

/// <summary>Where a test run stopped: ended, waiting for something it was not given (<see cref="WaitingFor"/>),
/// paused, or out of time (<see cref="TimedOut"/>).</summary>
public sealed record TestRunResult
{
    public required ExecutionRecord Execution { get; init; }
    public required VirtualClock Clock { get; init; }
    public IReadOnlyList<TestWait> WaitingFor { get; init; } = [];
    public bool TimedOut { get; init; }
    /// <summary>Events and inputs given that no step waited for.</summary>
    public IReadOnlyList<string> UnusedEvents { get; init; } = [];
    public IReadOnlyList<string> UnusedInputs { get; init; } = [];
}
