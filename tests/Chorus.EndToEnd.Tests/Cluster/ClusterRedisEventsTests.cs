using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>Two server processes on one PostgreSQL database, both with REDIS_URL: one relays at a time, and every
/// event of executions either node runs reaches Redis once, in the order it was committed.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ClusterRedisEventsTests
{
    private static JsonObject ThreeSteps() => JsonNode.Parse("""
        {
          "name": "three steps",
          "steps": [
            {"id": "a", "type": "addField", "config": {"field": "x", "value": "{{input.n}}"}, "next": "b"},
            {"id": "b", "type": "addField", "config": {"field": "y", "value": "{{variables.x}}"}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"y": "{{variables.y}}"}}}
          ]
        }
        """)!.AsObject();

    [Fact]
    public async Task TwoNodes_PublishEveryEventOnce_InCommitOrderPerExecution()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var subscriber = await RedisSubscriber.StartAsync(redis);
        await using var database = await ClusterDatabase.CreateAsync();
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 2,
            moreEnvironment: new Dictionary<string, string> { ["REDIS_URL"] = redis.Url });
        var workflow = await cluster.Apis[0].CreateWorkflowAsync(ThreeSteps());

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
            ids.Add(await cluster.Apis[i % 2].StartAsync(workflow, new JsonObject { ["n"] = i }));
        var statuses = await cluster.Apis[0].WaitForStatusAsync(ids, TimeSpan.FromSeconds(90), "completed");
        Assert.All(ids, id => Assert.Equal("completed", statuses[id]));
        await subscriber.WaitUntilAsync(
            received => ids.All(id => received.Any(r => r.Channel == $"chorus:default:execution:{id}" && (string?)r.Message["event"] == "workflow_execution_completed")),
            "got every execution's completion");

        var relays = await database.TextsAsync("SELECT owner FROM workflow.event_relays WHERE name = 'redis' AND owner IS NOT NULL");
        Assert.Single(relays);
        foreach (var id in ids)
        {
            var stored = (await database.TextsAsync($"SELECT id::text FROM workflow.events WHERE execution_id = '{id}' ORDER BY relay_seq"))
                .Select(long.Parse).ToList();
            var onExecution = subscriber.On($"chorus:default:execution:{id}");
            var onWorkflow = subscriber.On($"chorus:default:workflow:{workflow}").Where(m => (string?)m["execution_id"] == id).ToList();
            Assert.True(stored.Count >= 4, $"{id}: {stored.Count} events stored");
            Assert.Equal(stored, onExecution.Select(m => (long)m["event_id"]!));
            Assert.Equal(stored, onWorkflow.Select(m => (long)m["event_id"]!));
            var sequences = onExecution.Select(m => (long)m["sequence"]!).ToList();
            Assert.Equal(sequences.Order(), sequences);
            Assert.Equal("workflow_execution_completed", (string?)onExecution[^1]["event"]);
        }
    }

    [Fact]
    public async Task TheRelayingNodeKilled_TheOtherTakesOver_AndPublishesWhatFollowsInOrder()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var subscriber = await RedisSubscriber.StartAsync(redis);
        await using var database = await ClusterDatabase.CreateAsync();
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 2,
            moreEnvironment: new Dictionary<string, string> { ["REDIS_URL"] = redis.Url });
        var workflow = await cluster.Apis[0].CreateWorkflowAsync(ThreeSteps());
        var first = await cluster.Apis[0].StartAsync(workflow, new JsonObject { ["n"] = 0 });
        await cluster.Apis[0].WaitForStatusAsync([first], TimeSpan.FromSeconds(60), "completed");
        await subscriber.WaitUntilAsync(Completed(first), "got the first execution's completion");

        // The owner is "host:pid:…": kill the node that relays, as a crash would (its lease stays until it runs out).
        var owner = Assert.Single(await database.TextsAsync("SELECT owner FROM workflow.event_relays WHERE name = 'redis'"));
        var relaying = cluster.Processes.Select((p, i) => (p, i)).Single(x => owner.Split(':')[1] == x.p.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).i;
        await cluster.Processes[relaying].KillAsync();
        var survivor = cluster.Apis[1 - relaying];

        var ids = new List<string>();
        for (var i = 1; i <= 6; i++)
            ids.Add(await survivor.StartAsync(workflow, new JsonObject { ["n"] = i }));
        await survivor.WaitForStatusAsync(ids, TimeSpan.FromSeconds(90), "completed");
        await subscriber.WaitUntilAsync(received => ids.All(id => Completed(id)(received)), "got the completions after the takeover", seconds: 120);

        var newOwner = Assert.Single(await database.TextsAsync("SELECT owner FROM workflow.event_relays WHERE name = 'redis'"));
        Assert.NotEqual(owner, newOwner);
        foreach (var id in ids)
        {
            var stored = (await database.TextsAsync($"SELECT id::text FROM workflow.events WHERE execution_id = '{id}' ORDER BY relay_seq"))
                .Select(long.Parse).ToList();
            // At least once: a batch the dead node sent but could not mark may come again; each event once after dedupe.
            Assert.Equal(stored, subscriber.On($"chorus:default:execution:{id}").Select(m => (long)m["event_id"]!).Distinct());
        }
    }

    private static Func<IReadOnlyList<(string Channel, JsonObject Message)>, bool> Completed(string id) =>
        received => received.Any(r => r.Channel == $"chorus:default:execution:{id}" && (string?)r.Message["event"] == "workflow_execution_completed");
}
