using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

/// <summary>What one look at a test run's execution tree found, taken in one transaction of the committer so that the
/// decision to jump the clock rests on a consistent picture.</summary>
internal sealed record TestRunLook
{
    /// <summary>The root execution, copied: ended or paused means the run is over.</summary>
    public required ExecutionRecord Root { get; init; }
    /// <summary>The root and its running subflows, whose events wake the driver.</summary>
    public required IReadOnlyList<Guid> Tree { get; init; }
    /// <summary>Something runs or is due now: wait for it to commit before deciding anything.</summary>
    public bool Busy { get; init; }
    /// <summary>Steps waiting for an event or manual input.</summary>
    public IReadOnlyList<TestWait> Waits { get; init; } = [];
    /// <summary>Set when the look brought timers forward: the clock's offset from then on.</summary>
    public TimeSpan? JumpedTo { get; init; }
    public DateTimeOffset At { get; init; }
}
