using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using static Chorus.Server.Tests.Brokers.RabbitMqEvents;

namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>A real server process publishing its events to a RabbitMQ exchange (EVENTS_RABBITMQ_URL) is killed with
/// SIGKILL mid-stream and started again on the same database: every event of every execution reaches the queue bound to
/// the exchange, in order per execution once repeated message ids are dropped. What the dead process published but had
/// not yet marked relayed goes out again; nothing is skipped.</summary>
[Collection(Cluster.ServerProcessCollection.Name)]
public sealed class RabbitMqEventsServerCrashTests
{
    [Fact]
    public async Task ServerKilledMidStream_AfterRestart_EveryEventArrives_InOrderPerExecutionAfterDedupe()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        await rabbit.BindQueueAsync("events", Exchange, "#");
        await using var server = new RestartableServer(new Dictionary<string, string> { ["EVENTS_RABBITMQ_URL"] = broker.Url });
        var process = await server.StartAsync();
        using var api = new ChorusApi(server.Port);
        var workflow = await api.CreateWorkflowAsync(SlowSteps());
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add(await api.StartAsync(workflow, new JsonObject { ["n"] = i }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await rabbit.ReadyAsync("events") < 15)
        {
            Assert.True(DateTime.UtcNow < deadline, "fewer than 15 events reached the queue in 30 s");
            await Task.Delay(50);
        }

        var statuses = await Task.WhenAll(ids.Select(api.StatusAsync));
        await process.KillAsync();
        Assert.True(statuses.Any(s => s != "completed"), "every execution had completed before the kill: the test proved nothing");
        await server.StartAsync();
        for (var i = 10; i < 13; i++)
            ids.Add(await api.StartAsync(workflow, new JsonObject { ["n"] = i }));
        var done = await api.WaitForStatusAsync(ids, TimeSpan.FromSeconds(120), "completed");
        Assert.All(ids, id => Assert.Equal("completed", done[id]));

        // The restarted process takes the relay over once the dead one's lease (15 s) has run out.
        var received = await WaitForCompletionsAsync(rabbit, "events", ids, seconds: 90);
        foreach (var id in ids)
        {
            var stored = StoredIds(server.DatabasePath, id);
            Assert.True(stored.Count >= 8, $"only {stored.Count} events stored for {id}");
            Assert.Equal(stored, DedupedIds(received, id));
        }
    }
}
