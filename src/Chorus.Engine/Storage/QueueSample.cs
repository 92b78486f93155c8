namespace Chorus.Engine.Storage;

/// <summary>Work items due and not leased by any node, and how long the oldest of them has waited.</summary>
public sealed record QueueSample(long Due, TimeSpan OldestDueAge);
