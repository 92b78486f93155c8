using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chorus.Steps;

/// <summary>Recent answers by Idempotency-Key, so that a redelivered attempt gets the first answer without the
/// handler running twice. Calls with a key that is still running join that run. The handler's token is cancelled
/// only when every caller waiting for it has gone. Bounded by count and age; a retryable failure or a cancelled run
/// is forgotten at once, so the next delivery runs the handler again.</summary>
internal sealed class IdempotencyCache(IOptions<ChorusStepsOptions> options, IServiceProvider services)
{
    private readonly ChorusStepsOptions _options = options.Value;
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How many keys are held (running or answered).</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Callers waiting for runs still in progress (a test uses it to know that a second call has joined).</summary>
    public int WaitingCallers
    {
        get { lock (_gate) return _entries.Values.Where(e => e.AnsweredAt is null).Sum(e => e.Waiters); }
    }

    /// <summary>The answer for <paramref name="key"/>: remembered, joined from a run in progress, or from a new run of
    /// <paramref name="run"/>. <c>Replayed</c> is true when this call did not start the run.</summary>
    public async Task<(StepAnswer Answer, bool Replayed)> RunOnceAsync(string key, Func<CancellationToken, Task<StepAnswer>> run, CancellationToken callerAborted)
    {
        Entry entry;
        bool started;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            started = !_entries.TryGetValue(key, out var existing) || !existing.Joinable(now, _options.IdempotencyCacheAge);
            if (started)
            {
                entry = new Entry();
                _entries[key] = entry;
            }
            else
            {
                entry = existing!;
            }
            entry.Waiters++;
        }
        if (started)
            _ = RunAsync(key, entry, run);
        try
        {
            return (await entry.Answer.Task.WaitAsync(callerAborted).ConfigureAwait(false), !started);
        }
        catch (OperationCanceledException) when (callerAborted.IsCancellationRequested)
        {
            // Left here rather than in a token registration: a registration disposed while the token is being
            // cancelled may never run, and the run would then wait for a caller that is gone.
            Leave(entry);
            throw;
        }
    }

    private async Task RunAsync(string key, Entry entry, Func<CancellationToken, Task<StepAnswer>> run)
    {
        StepAnswer answer;
        try
        {
            answer = await run(entry.Cancel.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Everyone left (the run was cancelled) or the run itself failed: nothing to remember.
            Forget(key, entry);
            if (ex is OperationCanceledException)
                entry.Answer.TrySetCanceled();
            else
                entry.Answer.TrySetException(ex);
            return;
        }
        lock (_gate)
        {
            entry.AnsweredAt = _time.GetUtcNow();
            if (!answer.Remembered || _options.IdempotencyCacheSize == 0)
                ForgetLocked(key, entry);
            else
                Trim(entry.AnsweredAt.Value);
        }
        entry.Answer.TrySetResult(answer);
    }

    private void Leave(Entry entry)
    {
        lock (_gate)
        {
            entry.Waiters--;
            if (entry.Waiters == 0 && !entry.Answer.Task.IsCompleted)
                entry.Cancel.Cancel();
        }
    }

    private void Forget(string key, Entry entry)
    {
        lock (_gate)
            ForgetLocked(key, entry);
    }

    // Only the entry this run created: a newer run may already hold the key.
    private void ForgetLocked(string key, Entry entry)
    {
        if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
            _entries.Remove(key);
    }

    // Over the bound: drop what has aged out, then the oldest answers, down to nine tenths so that trimming is rare.
    // Runs in progress are never dropped; their callers are waiting.
    private void Trim(DateTimeOffset now)
    {
        if (_entries.Count <= _options.IdempotencyCacheSize)
            return;
        var answered = _entries.Where(e => e.Value.AnsweredAt is not null).OrderBy(e => e.Value.AnsweredAt).ToList();
        var target = _options.IdempotencyCacheSize * 9 / 10;
        foreach (var (key, entry) in answered)
        {
            var expired = now - entry.AnsweredAt!.Value > _options.IdempotencyCacheAge;
            if (!expired && _entries.Count <= target)
                break;
            _entries.Remove(key);
        }
    }

    private sealed class Entry
    {
        public TaskCompletionSource<StepAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenSource Cancel { get; } = new();
        public int Waiters { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }

        // A run whose callers all left is being cancelled: a new delivery starts afresh rather than joining it.
        public bool Joinable(DateTimeOffset now, TimeSpan maxAge) =>
            AnsweredAt is { } at ? now - at <= maxAge : !Cancel.IsCancellationRequested;
    }
}
