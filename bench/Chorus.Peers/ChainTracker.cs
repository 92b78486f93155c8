namespace Chorus.Peers;

/// <summary>Checks that a peer really ran every chain as the workload asks: each chain's steps 1..10 once each, in
/// order, each step seeing the counter the step before it left (so the step's output reached the next step). A
/// peer that skips, repeats or reorders a step, or loses a chain, fails the run loudly instead of reporting a
/// figure. The peers' step bodies call <see cref="StepRan"/>; they find the tracker through <see cref="Current"/>
/// because Hangfire, Wolverine and Workflow Core each build their own step objects (one peer per process).</summary>
internal sealed class ChainTracker(int chains, int steps)
{
    public static ChainTracker Current { get; set; } = new(0, BenchOptions.Steps);

    private readonly int[] _lastStep = new int[chains];
    private readonly Lock _gate = new();
    private int _stepsRun;
    private int _completed;
    private string? _failure;
    private (int Target, TaskCompletionSource Done)? _waiter;

    public int Steps => steps;

    /// <summary>Step <paramref name="step"/> (1-based) of chain <paramref name="chain"/> ran and left the counter at
    /// <paramref name="counter"/>, which must be <paramref name="step"/>: the chain starts at 0 and each step adds one.</summary>
    public void StepRan(int chain, int step, int counter)
    {
        if ((uint)chain >= (uint)_lastStep.Length)
        {
            Fail($"chain {chain} was never started");
            return;
        }
        var before = Interlocked.CompareExchange(ref _lastStep[chain], step, step - 1);
        if (before != step - 1)
            Fail($"chain {chain}: step {step} ran after step {before} (a step was repeated, skipped or run out of order)");
        else if (counter != step)
            Fail($"chain {chain}: step {step} left the counter at {counter}, not {step} (a step's output was lost)");
        Interlocked.Increment(ref _stepsRun);
        if (step == steps)
            lock (_gate)
            {
                _completed++;
                if (_waiter is { } w && _completed >= w.Target)
                {
                    _waiter = null;
                    w.Done.TrySetResult();
                }
            }
    }

    /// <summary>Waits until <paramref name="count"/> chains in all have run their last step, or fails.</summary>
    public async Task WaitForCompletedAsync(int count, TimeSpan timeout)
    {
        Task done;
        lock (_gate)
        {
            ThrowIfFailed();
            if (_completed >= count)
                return;
            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = (count, source);
            done = source.Task;
        }
        try
        {
            await done.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"only {_completed} of {count} chains completed within {timeout.TotalSeconds:0} s");
        }
        ThrowIfFailed();
    }

    /// <summary>After a workload: every one of the <paramref name="started"/> chains ran all its steps, and no
    /// step ran more than once. Waits a moment first so that a late duplicate is caught too.</summary>
    public async Task VerifyAsync(int started)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        ThrowIfFailed();
        for (var chain = 0; chain < started; chain++)
            if (Volatile.Read(ref _lastStep[chain]) != steps)
                throw new InvalidOperationException($"chain {chain} stopped after step {_lastStep[chain]} of {steps}");
        if (Volatile.Read(ref _stepsRun) != started * steps)
            throw new InvalidOperationException($"{_stepsRun} step runs for {started} chains of {steps} steps");
    }

    private void Fail(string failure)
    {
        lock (_gate)
        {
            _failure ??= failure;
            _waiter?.Done.TrySetException(new InvalidOperationException(failure));
            _waiter = null;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
            throw new InvalidOperationException(failure);
    }
}
