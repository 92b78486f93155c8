using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using static Chorus.Server.Tests.Brokers.RabbitMqEvents;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>Two server processes on one PostgreSQL database, both with EVENTS_RABBITMQ_URL: one relays at a time; when
/// it is killed the other takes the relay over, and every event of every execution reaches the exchange, in commit
/// order per execution once repeated message ids are dropped.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ClusterRabbitMqEventsTests
{
    [Fact]
    public async Task TheRelayingNodeKilled_TheOtherTakesOver_AndEveryEventArrivesInOrder()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        await rabbit.BindQueueAsync("events", Exchange, "#");
        await using var database = await ClusterDatabase.CreateAsync();
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 2,
            moreEnvironment: new Dictionary<string, string> { ["EVENTS_RABBITMQ_URL"] = broker.Url });
        var workflow = await cluster.Apis[0].CreateWorkflowAsync(SlowSteps());
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
            ids.Add(await cluster.Apis[i % 2].StartAsync(workflow, new JsonObject { ["n"] = i }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await rabbit.ReadyAsync("events") < 8)
        {
            Assert.True(DateTime.UtcNow < deadline, "fewer than 8 events reached the queue in 30 s");
            await Task.Delay(50);
        }

        // The owner is "host:pid:…": kill the node that relays, as a crash would (its lease stays until it runs out).
        var owner = Assert.Single(await database.TextsAsync("SELECT owner FROM workflow.event_relays WHERE name = 'rabbitmq'"));
        var relaying = cluster.Processes.Select((p, i) => (p, i))
            .Single(x => owner.Split(':')[1] == x.p.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).i;
        await cluster.Processes[relaying].KillAsync();
        var survivor = cluster.Apis[1 - relaying];
        for (var i = 6; i < 10; i++)
            ids.Add(await survivor.StartAsync(workflow, new JsonObject { ["n"] = i }));
        var statuses = await survivor.WaitForStatusAsync(ids, TimeSpan.FromSeconds(120), "completed");
        Assert.All(ids, id => Assert.Equal("completed", statuses[id]));

        var received = await WaitForCompletionsAsync(rabbit, "events", ids, seconds: 120);
        var newOwner = Assert.Single(await database.TextsAsync("SELECT owner FROM workflow.event_relays WHERE name = 'rabbitmq'"));
        Assert.NotEqual(owner, newOwner);
        foreach (var id in ids)
        {
            var stored = (await database.TextsAsync($"SELECT id::text FROM workflow.events WHERE execution_id = '{id}' ORDER BY relay_seq"))
                .Select(long.Parse).ToList();
            Assert.True(stored.Count >= 8, $"{id}: {stored.Count} events stored");
            Assert.Equal(stored, DedupedIds(received, id));
        }
    }
}
