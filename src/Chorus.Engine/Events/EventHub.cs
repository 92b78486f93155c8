using Chorus.Engine.Storage;

namespace Chorus.Engine.Events;

/// <summary>Hands committed events to the subscribers of this process (the WebSocket hub, waiting API calls).
/// A slow subscriber must not hold up the committer, so handlers are expected to return quickly.</summary>
public sealed class EventHub
{
    private readonly Lock _gate = new();
    private Action<EventRecord>[] _subscribers = [];

    public IDisposable Subscribe(Action<EventRecord> handler)
    {
        lock (_gate)
            _subscribers = [.. _subscribers, handler];
        return new Subscription(this, handler);
    }

    /// <summary>An event this node committed, or one another node committed, read back from a shared store.</summary>
    internal void Publish(EventRecord evt)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(evt);
            }
            catch (Exception)
            {
                // A faulty subscriber must not stop the others or the engine.
            }
        }
    }

    private void Unsubscribe(Action<EventRecord> handler)
    {
        lock (_gate)
            _subscribers = _subscribers.Where(s => s != handler).ToArray();
    }

    private sealed class Subscription(EventHub hub, Action<EventRecord> handler) : IDisposable
    {
        public void Dispose() => hub.Unsubscribe(handler);
    }
}
