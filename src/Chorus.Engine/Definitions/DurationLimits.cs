namespace Chorus.Engine.Definitions;

/// <summary>The longest value of every duration a definition or the server's settings may hold. Waits and
/// deadlines are rows in the store with a due time, so they may be long; a step timeout is a timer in this
/// process, and .NET timers stop at about 49.7 days (2^32 - 2 ms), so it stays well below that.</summary>
public static class DurationLimits
{
    /// <summary>A wait step's duration, or how far ahead its <c>until</c> may be: 366 days.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(366);

    /// <summary>A step's <c>timeout</c> (and STEP_TIMEOUT): 30 days.</summary>
    public static readonly TimeSpan MaxStepTimeout = TimeSpan.FromDays(30);

    /// <summary>A retry policy's <c>initial_interval</c> and <c>max_interval</c>: 30 days.</summary>
    public static readonly TimeSpan MaxRetryInterval = TimeSpan.FromDays(30);

    /// <summary>A workflow's <c>timeout</c> (and EXECUTION_TIMEOUT): 366 days; it is a deadline work item.</summary>
    public static readonly TimeSpan MaxExecutionTimeout = TimeSpan.FromDays(366);

    /// <summary>"30 days", "12 hours": how the limits read in error messages.</summary>
    public static string Describe(TimeSpan limit) => limit.TotalDays >= 1 && limit.TotalDays == Math.Floor(limit.TotalDays)
        ? $"{limit.TotalDays:0} days"
        : $"{limit.TotalSeconds:0.###} seconds";
}
