using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Tests.Events;

public sealed class EventHubTests
{
    [Fact]
    public void Wanted_FollowsWhatTheSubscribersSayNow()
    {
        var hub = new EventHub();
        Assert.False(hub.Wanted);

        var clients = 0;
        using (hub.Subscribe(_ => { }, listening: () => clients > 0))
        {
            Assert.False(hub.Wanted);
            clients = 1;
            Assert.True(hub.Wanted);
            clients = 0;
            using (hub.Subscribe(_ => { }))
                Assert.True(hub.Wanted); // no predicate: always listening
            Assert.False(hub.Wanted);
        }
        clients = 1;
        Assert.False(hub.Wanted); // unsubscribed
    }

    [Fact]
    public void SameHandlerSubscribedTwice_EndingOneSubscription_KeepsTheOther()
    {
        var hub = new EventHub();
        var received = 0;
        Action<EventRecord> handler = _ => received++;
        var first = hub.Subscribe(handler);
        using var second = hub.Subscribe(handler);

        first.Dispose();
        hub.Publish(new EventRecord
        {
            Tenant = new TenantId("t"), Type = "workflow_execution_update", Payload = new JsonObject(), At = DateTimeOffset.UtcNow,
        });

        Assert.Equal(1, received);
        Assert.True(hub.Wanted);
    }
}
