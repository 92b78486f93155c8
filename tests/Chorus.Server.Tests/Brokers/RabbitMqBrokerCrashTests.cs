using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Brokers;

/// <summary>The broker killed (SIGKILL) while a trigger consumes a stream of messages, and started again on the same
/// data: the consumer reconnects by itself, and every message has started exactly one execution.</summary>
public sealed class RabbitMqBrokerCrashTests
{
    private const int Messages = 60;

    [Fact]
    public async Task TheBrokerKilledMidStream_AfterRecovery_EveryMessageStartedExactlyOneExecution()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var server = await ChorusTestServer.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        var client = server.Client;
        var tenant = ApiCalls.NewTenant();
        const string queue = "stream";
        await rabbit.DeclareQueueAsync(queue);
        var workflowId = await client.CreateWorkflow(tenant, Definitions.TriggerEcho());
        await client.CreateTriggerAsync(tenant, workflowId, broker.Url, queue, new JsonObject { ["prefetch"] = 5 });

        for (var n = 0; n < Messages / 2; n++)
            await rabbit.PublishAsync(queue, RabbitMqClient.Json(new JsonObject { ["n"] = n }), messageId: $"m-{n}");
        await client.WaitForExecutionsAsync(tenant, workflowId, 5, settle: TimeSpan.Zero);

        await broker.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await broker.StartAgainAsync();
        for (var n = Messages / 2; n < Messages; n++)
            await rabbit.PublishAsync(queue, RabbitMqClient.Json(new JsonObject { ["n"] = n }), messageId: $"m-{n}", patience: TimeSpan.FromSeconds(30));

        var executions = await client.WaitForExecutionsAsync(tenant, workflowId, Messages, timeout: TimeSpan.FromSeconds(90), settle: TimeSpan.FromSeconds(4));
        var byInput = executions.GroupBy(e => e["input"]!["n"]!.GetValue<int>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, Messages), byInput.Keys.Order());
        Assert.All(byInput, pair => Assert.True(pair.Value == 1, $"message {pair.Key} started {pair.Value} executions"));
        Assert.Equal(0u, await rabbit.ReadyAsync(queue));
        Assert.Empty(await rabbit.DrainAsync(queue + ".dead"));
    }
}
