using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>Events reach WebSocket subscribers on every node (SPEC §6): a client connected to node B follows an
/// execution that node A starts and runs.</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ClusterRealtimeTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ClientOnNodeB_ReceivesTheEventsOfAnExecutionNodeARuns()
    {
        await using var database = await ClusterDatabase.CreateAsync();
        // Slow effects, so each step holds its lease long enough to be seen.
        await using var effects = new EffectsEndpoint(300, 400);
        await using var cluster = await ClusterNodes.StartAsync(database.Url, 1);
        var a = cluster.Apis[0];
        var workflow = await a.CreateWorkflowAsync(ProbeHoldThenTwoEffects(effects.Url));
        var tag = Guid.NewGuid().ToString("N");
        var id = await a.StartAsync(workflow, new JsonObject { ["tag"] = tag });

        // Alone, node A runs the probe until the execution waits: the lease owner seen meanwhile is A's node id.
        var nodeA = Assert.Single(await OwnersWhileAsync(database, async () => await a.StatusAsync(id) != "waiting"));
        var b = cluster.Apis[await cluster.AddNodeAsync(database.Url)];
        await using var client = await RealtimeClient.ConnectAsync(b.BaseAddress, "default");
        await client.SubscribeAsync($"execution:{id}", $"workflow:{workflow}");

        // A commits the event and, with free workers, leases the steps it makes ready to itself.
        await a.PostAsync($"/api/executions/{id}/events", new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["by"] = "test" } });
        var owners = await OwnersWhileAsync(database, async () => await a.StatusAsync(id) != "completed");
        var events = await client.ReadUntilAsync(m => (string?)m["event"] == "workflow_execution_completed");
        await a.PatchAsync($"/api/workflows/{workflow}", new JsonObject { ["status"] = "archived" });
        var updated = await client.NextAsync();

        Assert.Equal([nodeA], owners);
        var steps = events.Where(m => (string?)m["event"] == "workflow_step_completed").ToList();
        Assert.Equal(["hold", "s1", "s2", "done"], steps.Select(m => (string?)m["step_id"]));
        Assert.Equal("test", (string?)steps[0]["output"]!["by"]);
        Assert.True((bool)steps[1]["output"]!["body"]!["ok"]!, steps[1].ToJsonString());
        Assert.All(events, m => Assert.Equal(id, (string?)m["execution_id"]));
        var completed = events[^1];
        Assert.Equal("completed", (string?)completed["status"]);
        var throughB = await b.GetAsync($"/api/executions/{id}");
        Assert.True(JsonNode.DeepEquals(throughB["output"], completed["output"]), completed.ToJsonString());
        Assert.Equal(tag, (string?)completed["output"]!["tag"]);
        Assert.Equal(1, effects.Calls.Count(c => c.Tag == tag && c.Step == "s1"));
        Assert.Equal(1, effects.Calls.Count(c => c.Tag == tag && c.Step == "s2"));

        Assert.Equal("workflow_updated", (string?)updated["event"]);
        Assert.Equal(workflow, (string?)updated["workflow_id"]);
        Assert.Equal("active", (string?)updated["previous_status"]);
        Assert.Equal("archived", (string?)updated["status"]);
    }

    /// <summary>The distinct lease owners of the queue's items, sampled while <paramref name="running"/> holds.</summary>
    private static async Task<List<string>> OwnersWhileAsync(ClusterDatabase database, Func<Task<bool>> running)
    {
        var owners = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        while (await running())
        {
            Assert.True(clock.Elapsed < Bounded, "Timed out sampling lease owners.");
            foreach (var item in await database.LeasedItemsAsync())
                owners.Add(item.Owner);
            await Task.Delay(20);
        }
        return [.. owners];
    }

    /// <summary>A probe effect, a wait for the event "go", two effects and an output of the tag.</summary>
    private static JsonObject ProbeHoldThenTwoEffects(string effectsUrl)
    {
        var probe = CrashWorkflows.Effect("probe", effectsUrl);
        probe["next"] = "hold";
        var s1 = CrashWorkflows.Effect("s1", effectsUrl);
        s1["next"] = "s2";
        var s2 = CrashWorkflows.Effect("s2", effectsUrl);
        s2["next"] = "done";
        return new JsonObject
        {
            ["name"] = "cluster-realtime",
            ["steps"] = new JsonArray
            {
                probe,
                new JsonObject { ["id"] = "hold", ["type"] = "wait", ["config"] = new JsonObject { ["event"] = "go" }, ["next"] = "s1" },
                s1,
                s2,
                new JsonObject { ["id"] = "done", ["type"] = "output", ["config"] = new JsonObject { ["value"] = new JsonObject { ["tag"] = "{{ $.input.tag }}" } } },
            },
        };
    }
}
