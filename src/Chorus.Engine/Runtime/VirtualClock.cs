namespace Chorus.Engine.Runtime;

/// <summary>A time-skipping test run's clock: virtual time is real time plus an offset that grows each time the run
/// jumps to its next timer. The jumps are kept with the real moment they happened, so any real timestamp of the run
/// (a step's start or end) maps to the virtual time it had then.</summary>
public sealed class VirtualClock
{
    private readonly List<(DateTimeOffset RealAt, TimeSpan Offset)> _jumps = [];

    /// <summary>How far virtual time is ahead of real time now.</summary>
    public TimeSpan Offset => _jumps.Count == 0 ? TimeSpan.Zero : _jumps[^1].Offset;

    public int Jumps => _jumps.Count;

    public DateTimeOffset ToVirtual(DateTimeOffset real)
    {
        var offset = TimeSpan.Zero;
        foreach (var (at, after) in _jumps)
        {
            if (at > real)
                break;
            offset = after;
        }
        return real + offset;
    }

    internal void Jump(DateTimeOffset realAt, TimeSpan offset) => _jumps.Add((realAt, offset));
}
