using System.Text.Json.Nodes;
using Chorus.Server.Brokers.RabbitMq;
using Chorus.Server.Tests.Infrastructure;
using Chorus.Storage.Postgres;
using Npgsql;
using static Chorus.Server.Tests.Brokers.RabbitMqEvents;

namespace Chorus.Server.Tests.Brokers;

/// <summary>Events to a RabbitMQ exchange from a server on PostgreSQL, whose outbox is read in commit order (relay_seq)
/// rather than by id: every execution's events arrive in the order they were committed, also across a broker kill.</summary>
public sealed class RabbitMqEventsOnPostgresTests() : ThrowawayPostgresDatabase("chorus_rmq_events")
{
    private async Task<List<long>> StoredIdsAsync(string executionId)
    {
        await using var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(Url) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM workflow.events WHERE execution_id = @id ORDER BY relay_seq", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(executionId));
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    [Fact]
    public async Task Executions_InCommitOrderPerExecution_AlsoAcrossABrokerKill()
    {
        await using var broker = await RabbitMqProcess.StartAsync();
        await using var rabbit = new RabbitMqClient(broker.Url);
        await rabbit.BindQueueAsync("events", Exchange, "#");
        await using var server = await ChorusTestServer.StartAsync(postgresUrl: Url,
            configure: o => o with { RabbitMqEvents = new RabbitMqEventsSettings { Url = broker.Url } });
        var tenant = ApiCalls.NewTenant();
        var workflow = await server.Client.CreateWorkflow(tenant, SlowSteps());
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
            ids.Add(await server.Client.Execute(tenant, workflow, new JsonObject { ["n"] = i }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await rabbit.ReadyAsync("events") < 8)
        {
            Assert.True(DateTime.UtcNow < deadline, "fewer than 8 events reached the queue in 30 s");
            await Task.Delay(50);
        }

        await broker.KillAsync();
        ids.Add(await server.Client.Execute(tenant, workflow, new JsonObject { ["n"] = 6 }));
        foreach (var id in ids)
            await server.Client.WaitForCompletion(tenant, id);
        await broker.StartAgainAsync();

        var received = await WaitForCompletionsAsync(rabbit, "events", ids, seconds: 90);
        foreach (var id in ids)
        {
            var stored = await StoredIdsAsync(id);
            Assert.True(stored.Count >= 8, $"only {stored.Count} events stored for {id}");
            Assert.Equal(stored, DedupedIds(received, id));
        }
    }
}
