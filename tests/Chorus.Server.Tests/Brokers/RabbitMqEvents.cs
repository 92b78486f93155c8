using System.Text;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;

namespace Chorus.Server.Tests.Brokers;

/// <summary>What the tests of events published to RabbitMQ share: the messages a queue bound to the exchange received,
/// and the events the server stored, to compare them with.</summary>
public static class RabbitMqEvents
{
    public const string Exchange = "chorus.events";

    public sealed record Received(long EventId, string? ExecutionId, string Event, string RoutingKey, JsonObject Body, IReadOnlyBasicProperties Properties);

    public static Received Read(BasicGetResult message)
    {
        var body = JsonNode.Parse(Encoding.UTF8.GetString(message.Body.Span))!.AsObject();
        return new Received((long)body["event_id"]!, (string?)body["execution_id"], (string)body["event"]!, message.RoutingKey, body,
            message.BasicProperties);
    }

    /// <summary>One execution's event ids as they came, each once (at least once allows redeliveries; consumers dedupe
    /// on the message id).</summary>
    public static List<long> DedupedIds(IEnumerable<Received> received, string executionId) =>
        received.Where(r => r.ExecutionId == executionId).Select(r => r.EventId).Distinct().ToList();

    /// <summary>Takes what the queue holds until every one of <paramref name="executionIds"/> has its completion.</summary>
    public static async Task<List<Received>> WaitForCompletionsAsync(RabbitMqClient rabbit, string queue, IReadOnlyCollection<string> executionIds,
        List<Received>? already = null, int seconds = 60, Func<string>? explain = null)
    {
        var received = already ?? [];
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            received.AddRange((await rabbit.DrainAsync(queue)).Select(Read));
            var completed = received.Where(r => r.Event == "workflow_execution_completed").Select(r => r.ExecutionId).ToHashSet();
            if (executionIds.All(completed.Contains))
                return received;
            Assert.True(DateTime.UtcNow < deadline,
                $"after {seconds} s, {executionIds.Count(id => !completed.Contains(id))} of {executionIds.Count} executions' completions had not arrived " +
                $"({received.Count} messages taken; {explain?.Invoke()})");
            await Task.Delay(200);
        }
    }

    /// <summary>The ids of the execution's events in a SQLite database's events table, in the order they were committed.</summary>
    public static List<long> StoredIds(string databasePath, string executionId)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, execution_id FROM events WHERE execution_id IS NOT NULL ORDER BY id";
        using var r = cmd.ExecuteReader();
        var ids = new List<long>();
        while (r.Read())
            if (Guid.Parse(r.GetString(1)) == Guid.Parse(executionId))
                ids.Add(r.GetInt64(0));
        return ids;
    }

    /// <summary>Where the RabbitMQ relay stands against the events table, to tell a relay that stopped from a broker
    /// that lost what it was sent.</summary>
    public static string RelayState(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT (SELECT max(id) FROM events), cursor, owner, lease_until FROM event_relays WHERE name = 'rabbitmq'";
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? $"last event {r.GetValue(0)}, relay cursor {r.GetValue(1)}, lease until {r.GetValue(3)} (now {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})"
            : "the relay never took its lease";
    }

    /// <summary>A workflow whose executions last a few seconds, with events along the way: room for a kill mid-stream.</summary>
    public static JsonObject SlowSteps() => JsonNode.Parse("""
        {
          "name": "slow steps",
          "steps": [
            {"id": "a", "type": "addField", "config": {"field": "x", "value": "{{input.n}}"}, "next": "pause1"},
            {"id": "pause1", "type": "wait", "config": {"duration": "400ms"}, "next": "b"},
            {"id": "b", "type": "addField", "config": {"field": "y", "value": "{{variables.x}}"}, "next": "pause2"},
            {"id": "pause2", "type": "wait", "config": {"duration": "400ms"}, "next": "c"},
            {"id": "c", "type": "addField", "config": {"field": "z", "value": "{{variables.y}}"}, "next": "pause3"},
            {"id": "pause3", "type": "wait", "config": {"duration": "400ms"}, "next": "done"},
            {"id": "done", "type": "output", "config": {"value": {"n": "{{variables.z}}"}}}
          ]
        }
        """)!.AsObject();
}
