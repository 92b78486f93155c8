using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>A real server process killed with SIGKILL while its RabbitMQ trigger consumes a stream of messages, then
/// started again on the same database: every message has started exactly one execution. The messages the dead
/// process held unacknowledged come back from the broker, and the start, keyed by the message id, answers the
/// execution a first delivery committed instead of starting another.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class RabbitMqServerCrashTests
{
    private const int Messages = 150;
    private const string Queue = "orders";

    [Fact]
    public async Task ServerKilledWhileConsuming_AfterRestart_NothingLostNothingDoubled()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        await using var server = new RestartableServer(new Dictionary<string, string>());
        var process = await server.StartAsync();
        using var api = new ChorusApi(server.Port);
        var workflow = await api.CreateWorkflowAsync(JsonNode.Parse("""
            {"name": "orders", "steps": [{"id": "done", "type": "output", "config": {"value": {"n": "{{input.n}}"}}}]}
            """)!.AsObject());
        await api.PostAsync("/api/secrets", new JsonObject { ["name"] = "rabbit", ["value"] = broker.Url });
        await api.PostAsync($"/api/workflows/{workflow}/rabbitmq-triggers", new JsonObject { ["secret"] = "rabbit", ["queue"] = Queue, ["prefetch"] = 20 });
        await rabbit.DeclareQueueAsync(Queue);

        // Published at a steady pace from the side, so the kill lands while messages are arriving and being started.
        var publisher = Task.Run(async () =>
        {
            await using var own = new RabbitMqClient(broker.Url);
            for (var n = 0; n < Messages; n++)
            {
                await own.PublishAsync(Queue, RabbitMqClient.Json(new JsonObject { ["n"] = n }), messageId: $"order-{n}");
                await Task.Delay(15);
            }
        });
        await WaitForCountAsync(api, workflow, 30);

        var startedBeforeTheKill = (await ExecutionsAsync(api, workflow)).Count;
        await process.KillAsync();
        await server.StartAsync();
        await publisher;

        await WaitForCountAsync(api, workflow, Messages);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var executions = await ExecutionsAsync(api, workflow);
        Assert.True(startedBeforeTheKill < Messages, "the kill landed after every message had started: the test proved nothing");
        var byInput = executions.GroupBy(e => e["input"]!["n"]!.GetValue<int>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, Messages), byInput.Keys.Order());
        Assert.All(byInput, pair => Assert.True(pair.Value == 1, $"message {pair.Key} started {pair.Value} executions"));
        Assert.Equal(0u, await rabbit.ReadyAsync(Queue));
        Assert.Empty(await rabbit.DrainAsync(Queue + ".dead"));
    }

    private static async Task WaitForCountAsync(ChorusApi api, string workflow, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await ExecutionsAsync(api, workflow)).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} executions after 90 s");
            await Task.Delay(100);
        }
    }

    private static async Task<List<JsonObject>> ExecutionsAsync(ChorusApi api, string workflow)
    {
        var all = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var items = (await api.GetAsync($"/api/executions?workflow_id={workflow}&page_size=200&page={page}"))["items"]!.AsArray();
            all.AddRange(items.Select(i => i!.AsObject()));
            if (items.Count < 200)
                return all;
        }
    }
}
