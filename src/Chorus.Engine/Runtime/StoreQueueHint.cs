namespace Chorus.Engine.Runtime;

/// <summary>What this node knows of due work in the store's queue, so that it claims only when work may be
/// there: at start, after a commit of work due now, when the earliest known due time passes, and when the
/// poll interval (WORKFLOW_CHECK_INTERVAL) ends. Work a commit leased to this node never needs a claim.</summary>
internal sealed class StoreQueueHint(TimeProvider time)
{
    private readonly Lock _gate = new();
    private bool _mayHaveWork = true;
    private DateTimeOffset? _nextDue;
    private bool _nextDueKnown;

    public bool NextDueKnown
    {
        get { lock (_gate) return _nextDueKnown; }
    }

    /// <summary>Work was committed to the store's queue, due at <paramref name="due"/>.</summary>
    public void WorkCommitted(DateTimeOffset due)
    {
        lock (_gate)
        {
            if (due <= time.GetUtcNow())
                _mayHaveWork = true;
            else if (_nextDue is null || due < _nextDue)
                _nextDue = due;
        }
    }

    /// <summary>Look again at the next chance: a claim was full, a wait timed out, or something failed.</summary>
    public void Suspect()
    {
        lock (_gate)
            _mayHaveWork = true;
    }

    /// <summary>Whether to claim now; resets the hint, so a notification during the claim is not lost.</summary>
    public bool Take()
    {
        lock (_gate)
        {
            if (_nextDue is { } due && due <= time.GetUtcNow())
            {
                _nextDue = null;
                _mayHaveWork = true;
            }
            var hint = _mayHaveWork;
            _mayHaveWork = false;
            return hint;
        }
    }

    /// <summary>A claim found nothing: the next due time must be read from the store again.</summary>
    public void ClaimFoundNothing()
    {
        lock (_gate)
            _nextDueKnown = false;
    }

    public void Learn(DateTimeOffset? next)
    {
        lock (_gate)
        {
            if (next is { } n && (_nextDue is null || n < _nextDue))
                _nextDue = n;
            _nextDueKnown = true;
        }
    }

    /// <summary>How long an idle worker may sleep, at most <paramref name="max"/>; zero when work may be there now.</summary>
    public TimeSpan SleepBefore(TimeSpan max)
    {
        lock (_gate)
        {
            if (_mayHaveWork)
                return TimeSpan.Zero;
            if (_nextDue is not { } due)
                return max;
            var untilDue = due - time.GetUtcNow();
            // A due time that just passed still gets a short sleep, so the loop cannot spin.
            return untilDue < max ? (untilDue <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : untilDue) : max;
        }
    }
}
