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

    // Ids of events this node published itself, so the same event coming back from the store is not
    // delivered twice; bounded, since only recent ones can come back.
    private readonly HashSet<long> _published = [];
    private readonly Queue<long> _publishedOrder = new();
    private const int RememberedIds = 100_000;

    /// <summary>Marks events as this node's before their commit, so that a copy read back from the store, which
    /// may arrive before the committer delivers the original, is not delivered too.</summary>
    internal void RememberOwn(IEnumerable<long> ids)
    {
        lock (_gate)
        {
            foreach (var id in ids)
                if (_published.Add(id))
                    _publishedOrder.Enqueue(id);
            while (_publishedOrder.Count > RememberedIds)
                _published.Remove(_publishedOrder.Dequeue());
        }
    }

    /// <summary>An event this node committed.</summary>
    internal void Publish(EventRecord evt) => Deliver(evt);

    /// <summary>An event read back from a shared store: delivered unless this node published it.</summary>
    internal void PublishFromStore(EventRecord evt)
    {
        lock (_gate)
        {
            if (_published.Contains(evt.Id))
                return;
        }
        Deliver(evt);
    }

    private void Deliver(EventRecord evt)
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
