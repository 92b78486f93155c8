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
}
