namespace Chorus.Engine.Runtime;

/// <summary>Wakes idle workers when new due work is committed in this process.</summary>
internal sealed class WorkSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_signal.CurrentCount == 0)
                _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up is enough.
        }
    }

    /// <summary>Waits for a notification (true) or the timeout (false); time comes from the engine's TimeProvider.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, time, timeoutCts.Token);
        var signalled = _signal.WaitAsync(timeoutCts.Token);
        var first = await Task.WhenAny(delay, signalled).ConfigureAwait(false);
        await timeoutCts.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return first == signalled && signalled.IsCompletedSuccessfully;
    }
}
