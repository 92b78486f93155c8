using Chorus.Engine.Storage;

namespace Chorus.Engine.Events;

/// <summary>Hands committed events to the subscribers of this process (the WebSocket hub, waiting API calls).
/// A slow subscriber must not hold up the committer, so handlers are expected to return quickly.</summary>
public sealed class EventHub
{
    private readonly Lock _gate = new();
    private Subscriber[] _subscribers = [];

    /// <param name="listening">Whether the subscriber wants events right now (say, only while it has clients);
    /// null means always.</param>
    public IDisposable Subscribe(Action<EventRecord> handler, Func<bool>? listening = null)
    {
        var subscriber = new Subscriber(handler, listening);
        lock (_gate)
            _subscribers = [.. _subscribers, subscriber];
        return new Subscription(this, subscriber);
    }

    /// <summary>Whether any subscriber wants events now; when none does, other nodes' events need not be read.</summary>
    internal bool Wanted => Volatile.Read(ref _subscribers).Any(s => s.Listening?.Invoke() ?? true);

    /// <summary>An event this node committed, or one another node committed, read back from a shared store.</summary>
    internal void Publish(EventRecord evt)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber.Handler(evt);
            }
            catch (Exception)
            {
                // A faulty subscriber must not stop the others or the engine.
            }
        }
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
            _subscribers = _subscribers.Where(s => s != subscriber).ToArray();
    }

    // A class, not a record: two subscriptions of the same handler are still two.
    private sealed class Subscriber(Action<EventRecord> handler, Func<bool>? listening)
    {
        public Action<EventRecord> Handler { get; } = handler;
        public Func<bool>? Listening { get; } = listening;
    }

    private sealed class Subscription(EventHub hub, Subscriber subscriber) : IDisposable
    {
        public void Dispose() => hub.Unsubscribe(subscriber);
    }
}
