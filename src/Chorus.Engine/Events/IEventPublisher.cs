using Chorus.Engine.Storage;

namespace Chorus.Engine.Events;

/// <summary>Publishes an event that no execution change carries (a saved workflow). The engine implements it,
/// so the services that report changes depend on this, not on the engine.</summary>
public interface IEventPublisher
{
    /// <summary>Writes the event to the outbox and delivers it like every other; a failure is logged, not thrown,
    /// since the change it reports is already saved.</summary>
    Task PublishAsync(EventRecord evt);
}
