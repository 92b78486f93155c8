using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

public sealed partial class ChorusEngine
{
    /// <summary>How long the driver of a test run sleeps at most between looks when no event wakes it.</summary>
    private static readonly TimeSpan TestRunPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Drives a started test execution until it ends, pauses, waits for something it was not given, or
    /// <paramref name="timeout"/> (real time) passes: delivers <see cref="TestRunOptions.Events"/> and
    /// <see cref="TestRunOptions.Inputs"/> as steps wait for them and, with <see cref="TestRunOptions.SkipTime"/>,
    /// fires its timers at once on a virtual clock.</summary>
    public async Task<TestRunResult> RunTestAsync(TenantId tenant, Guid executionId, TestRunOptions options, TimeSpan timeout, CancellationToken ct = default)
    {
        var driver = new TestRunDriver(tenant, executionId, options, _time);
        var watched = new HashSet<Guid> { executionId };
        using var changed = new SemaphoreSlim(0);
        using var subscription = Events.Subscribe(evt =>
        {
            lock (watched)
                if (evt.ExecutionId is { } id && watched.Contains(id))
                    changed.Release();
        });
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        while (true)
        {
            var look = await _committer.RunAsync(driver.LookAsync, ct).ConfigureAwait(false);
            lock (watched)
                watched.UnionWith(look.Tree);
            var e = look.Root;
            var waitsForGiven = look.Waits.Where(driver.CanDeliver).ToList();
            if (e.IsTerminal || e.Status == ExecutionStatus.Paused || timeoutCts.IsCancellationRequested)
                return Result(driver, e, [], timedOut: !e.IsTerminal && e.Status != ExecutionStatus.Paused);
            if (look.JumpedTo is not null)
            {
                driver.Jumped(look);
                continue;
            }
            if (!look.Busy && waitsForGiven.Count > 0)
            {
                foreach (var wait in waitsForGiven)
                    await DeliverAsync(tenant, wait, driver.Take(wait), ct).ConfigureAwait(false);
                continue;
            }
            // Idle with nothing left to give: stop at a wait (a real-time run also stops at a timer it would sleep through).
            if (!look.Busy && (look.Waits.Count > 0 || options.SkipTime || e.Status == ExecutionStatus.Waiting))
                return Result(driver, e, look.Waits, timedOut: false);
            try
            {
                await changed.WaitAsync(TestRunPoll, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // Out of time: the next look answers with the execution as it stands.
            }
        }
    }

    private Task<ExecutionRecord> DeliverAsync(TenantId tenant, TestWait wait, System.Text.Json.Nodes.JsonNode? payload, CancellationToken ct) =>
        wait.Kind == "event"
            ? SendEventAsync(tenant, wait.ExecutionId, wait.Name, payload, ct)
            : SubmitInputAsync(tenant, wait.ExecutionId, wait.StepId, payload, ct);

    private static TestRunResult Result(TestRunDriver driver, ExecutionRecord e, IReadOnlyList<TestWait> waits, bool timedOut) => new()
    {
        Execution = e, Clock = driver.Clock, WaitingFor = waits, TimedOut = timedOut,
        UnusedEvents = driver.UnusedEvents, UnusedInputs = driver.UnusedInputs,
    };
}
