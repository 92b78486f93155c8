using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Runtime;

/// <summary>Acknowledges the committed batches of a store whose commits return before they are on disk
/// (<see cref="StoreCapabilities.CommitsSyncedLater"/>): on a thread of its own it puts them on disk, all that
/// came in since its last flush at once, and then acknowledges them in commit order. The committer goes on with
/// the next batches meanwhile, so the flush no longer holds up the only writer, and nothing a batch did (its
/// events, the next steps it leased, its caller's answer) is released before it is on disk. A later commit
/// never survives a crash without the earlier ones (the log is replayed in order), so a batch built on one not yet
/// on disk stands or falls with it.</summary>
internal sealed class CommitSync
{
    private readonly IEngineStore _store;
    private readonly ILogger _logger;
    private readonly Queue<Batch> _queue = new();
    private readonly Thread _thread;
    private bool _completed;
    private bool _flushing; // a flush and its acknowledgements are under way, on this thread or a committer's

    /// <param name="Acknowledge">Releases what the batch did, once it is on disk.</param>
    /// <param name="Fail">Fails the batch's operations when the flush failed.</param>
    private sealed record Batch(Action Acknowledge, Action<Exception> Fail);

    public CommitSync(IEngineStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "Chorus commit sync" };
    }

    /// <summary>Starts the thread (with the committer's loop, so that an engine never started holds none).</summary>
    public void Start() => _thread.Start();

    /// <summary>Acknowledges a committed batch once it is on disk. When nothing else waits (no batch before it
    /// and, <paramref name="othersWaiting"/> false, no operation after it) the caller flushes it itself: handing a
    /// lone commit to another thread would only add the hop to its latency.</summary>
    public void Submit(Action acknowledge, Action<Exception> fail, bool othersWaiting)
    {
        var batch = new Batch(acknowledge, fail);
        lock (_queue)
        {
            if (othersWaiting || _queue.Count > 0 || _flushing)
            {
                _queue.Enqueue(batch);
                Monitor.Pulse(_queue);
                return;
            }
            _flushing = true;
        }
        FlushAndAcknowledge([batch]);
    }

    /// <summary>Flushes and acknowledges what is queued, then stops.</summary>
    public Task StopAsync()
    {
        lock (_queue)
        {
            _completed = true;
            Monitor.Pulse(_queue);
        }
        return Task.Run(_thread.Join);
    }

    private void Run()
    {
        var batches = new List<Batch>();
        while (true)
        {
            batches.Clear();
            lock (_queue)
            {
                while ((_queue.Count == 0 && !_completed) || _flushing)
                    Monitor.Wait(_queue);
                if (_queue.Count == 0)
                    return;
                batches.AddRange(_queue);
                _queue.Clear();
                _flushing = true;
            }
            FlushAndAcknowledge(batches);
        }
    }

    private void FlushAndAcknowledge(List<Batch> batches)
    {
        Exception? failure = null;
        try
        {
            _store.SyncCommits();
        }
        catch (Exception ex)
        {
            // Whether these commits survive a crash is unknown: their callers are told the storage failed.
            _logger.LogError(ex, "Flushing {Count} committed batches to disk failed", batches.Count);
            failure = ex;
        }
        foreach (var batch in batches)
        {
            try
            {
                if (failure is null)
                    batch.Acknowledge();
                else
                    batch.Fail(failure);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Acknowledging a committed batch failed");
            }
        }
        lock (_queue)
        {
            _flushing = false;
            Monitor.PulseAll(_queue);
        }
    }
}
