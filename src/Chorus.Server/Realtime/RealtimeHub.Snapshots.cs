using System.Text.Json.Nodes;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;
using Chorus.Server.Security;

namespace Chorus.Server.Realtime;

/// <summary>The snapshot a client gets when it subscribes to <c>execution:&lt;id&gt;</c>: the execution's current
/// state before any live event of it, so a client that subscribes after the end, or reconnects, misses nothing.
///
/// The race: the state is read from the store while events keep arriving. So the subscription is registered
/// first with its events held back; the state is read; then, under the dispatcher's lock, the snapshot is queued
/// and the held events follow, less those the snapshot already reflects. Nothing committed after the read is
/// lost (it was held or comes later), and nothing the snapshot reflects is sent again:
/// <list type="bullet">
/// <item>an ended execution: its events up to its end (at or before its <c>completed_at</c>) are dropped, held or
/// still on their way (another node's events arrive late), while later ones (a retry's) go out;</item>
/// <item>a running one: the held events up to the last <c>workflow_execution_update</c> that shows the same
/// status, current step and progress as the snapshot are dropped; those after it go out.</item>
/// </list></summary>
internal sealed partial class RealtimeHub
{
    // Guarded by _gate. Held: the execution's events waiting for its snapshot. Ended: the end time of an execution
    // that was already over when its snapshot was read; its events up to then are in the snapshot.
    private readonly Dictionary<(ClientConnection, Guid), List<EventRecord>> _pending = [];
    private readonly Dictionary<(ClientConnection, Guid), DateTimeOffset> _endedAt = [];

    public async Task SendSnapshotsAsync(ClientConnection connection, Caller identity, IReadOnlyList<Guid> executionIds)
    {
        var read = new List<(Guid Id, ExecutionRecord? Execution)>(executionIds.Count);
        foreach (var id in executionIds)
        {
            ExecutionRecord? execution = null;
            try
            {
                // Another tenant's execution reads as missing: the client gets what it got before, no snapshot.
                execution = await executions.GetExecutionAsync(identity.Tenant, id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Without its state the client still gets the live events; the store's trouble is logged.
                logger.LogWarning(ex, "The state of execution {ExecutionId} could not be read for a WebSocket subscriber", id);
            }
            read.Add((id, execution));
        }
        await DispatchWhatWasReadAsync().ConfigureAwait(false);
        foreach (var (id, execution) in read)
            Release(connection, id, execution);
    }

    /// <summary>Waits until the events of every commit the reads could see have been through the dispatcher (held for
    /// the snapshot, or sent): a read may see a commit before the engine releases its events (the embedded store's
    /// commits are readable before they are on disk, and released after), and the dispatcher takes them in turn.</summary>
    private async Task DispatchWhatWasReadAsync()
    {
        try
        {
            if (engine is not null) // none in the hub's own tests, which publish the events themselves
                await engine.WaitForCommittedEventsAsync(CancellationToken.None).ConfigureAwait(false);
            var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _events.Writer.WriteAsync(new Queued(null, barrier)).ConfigureAwait(false);
            await barrier.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // The engine or the hub is stopping (a closed channel is an InvalidOperationException): nothing more comes.
        }
    }

    /// <summary>An event for the dispatcher, or a barrier it completes when it reaches it.</summary>
    private readonly record struct Queued(EventRecord? Event, TaskCompletionSource? Barrier);

    private void Release(ClientConnection connection, Guid id, ExecutionRecord? execution)
    {
        lock (_gate)
        {
            if (!_pending.Remove((connection, id), out var held))
                return; // unsubscribed meanwhile
            var send = held;
            if (execution is not null)
            {
                foreach (var payload in ExecutionSnapshot.Of(execution, Now))
                    connection.Send(ServerMessages.Event(payload));
                if (execution.IsTerminal && execution.CompletedAt is { } ended)
                {
                    _endedAt[(connection, id)] = ended;
                    send = held.Where(e => !IsUpTo(e, ended)).ToList();
                }
                else
                {
                    var reflected = held.FindLastIndex(e => SameState(e.Payload, execution));
                    send = held.Skip(reflected + 1).ToList();
                }
            }
            foreach (var evt in send)
                connection.Send(ServerMessages.Event(evt.Payload));
        }
    }

    /// <summary>Called by the dispatcher under the lock: true when the event must not be sent now (held for its
    /// snapshot, or already in it).</summary>
    private bool HeldForSnapshot(ClientConnection connection, EventRecord evt)
    {
        if (evt.ExecutionId is not { } id)
            return false;
        if (_pending.TryGetValue((connection, id), out var held))
        {
            held.Add(evt);
            return true;
        }
        return _endedAt.TryGetValue((connection, id), out var ended) && IsUpTo(evt, ended);
    }

    /// <summary>Whether the event was committed no later than the execution's end. A store keeps times to the
    /// millisecond or finer while events carry the clock's full precision, so both are compared in milliseconds.</summary>
    private static bool IsUpTo(EventRecord evt, DateTimeOffset ended) =>
        evt.At.ToUnixTimeMilliseconds() <= ended.ToUnixTimeMilliseconds();

    private void ForgetSnapshot(ClientConnection connection, Guid execution)
    {
        _pending.Remove((connection, execution));
        _endedAt.Remove((connection, execution));
    }

    private static bool SameState(JsonObject payload, ExecutionRecord execution) =>
        payload["event"]?.GetValue<string>() == "workflow_execution_update"
        && payload["status"]?.GetValue<string>() == execution.Status.ToWire()
        && payload["current_step"]?.GetValue<string>() == execution.CurrentStep
        && payload["progress"]?.GetValue<double>() == Progress.Fraction(execution);
}
