namespace Chorus.Engine.Steps;

/// <summary>The loop iterations one execution may still run (LOOP_MAX_ITERATIONS in all, nested loops included).
/// A loop takes its whole item count before it starts, so a loop that would pass the budget fails at once instead
/// of after running most of it. Inline branches run in parallel and share one budget, hence the atomics.</summary>
internal sealed class LoopBudget(long usedBefore, long max)
{
    private long _used = usedBefore;
    private long _taken;

    public long Max => max;

    /// <summary>Iterations taken by this attempt, added to the execution's count when its outcome is committed.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    public long Used => Interlocked.Read(ref _used);

    public bool TryTake(int iterations)
    {
        if (Interlocked.Add(ref _used, iterations) > max)
        {
            Interlocked.Add(ref _used, -iterations);
            return false;
        }
        Interlocked.Add(ref _taken, iterations);
        return true;
    }
}
