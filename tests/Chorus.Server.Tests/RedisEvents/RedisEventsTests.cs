using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chorus.Server.Tests.RedisEvents;

/// <summary>Every execution event also goes to Redis, from the outbox, against a real redis-server: both channels,
/// in order, per tenant, and nothing lost while Redis is down or the server restarts.</summary>
public sealed class RedisEventsTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"chorus-redis-{Guid.NewGuid():N}.db");
    private RedisProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisProcess.StartAsync();

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".secrets.key", ".key" })
            try { File.Delete(_database + suffix); } catch (IOException) { }
    }

    private Task<ChorusTestServer> StartServerAsync(string? redisUrl = null) =>
        ChorusTestServer.StartAsync(databasePath: _database, configure: o => o with { RedisUrl = redisUrl ?? _redis.Url });

    /// <summary>The ids of the execution's events in the events table, in the order they were committed.</summary>
    private List<long> StoredEventIds(string executionId)
    {
        using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly;Pooling=false");
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

    private static string ExecutionChannel(string tenant, string id) => $"chorus:{tenant}:execution:{id}";

    private static string WorkflowChannel(string tenant, string id) => $"chorus:{tenant}:workflow:{id}";

    /// <summary>Event ids as they came, each once (at least once allows redeliveries; subscribers dedupe on event_id).</summary>
    private static List<long> Deduped(IEnumerable<JsonObject> messages) =>
        messages.Select(m => (long)m["event_id"]!).Distinct().ToList();

    private static Func<IReadOnlyList<(string Channel, JsonObject Message)>, bool> Completed(string channel) =>
        received => received.Any(r => r.Channel == channel && (string?)r.Message["event"] == "workflow_execution_completed");

    [Fact]
    public async Task ARun_ArrivesOnItsExecutionAndWorkflowChannels_InCommitOrder_UnderItsTenant()
    {
        await using var subscriber = await RedisSubscriber.StartAsync(_redis);
        await using var server = await StartServerAsync();
        var tenant = ApiCalls.NewTenant();
        var workflowId = await server.Client.CreateWorkflow(tenant, Definitions.Greeting());

        var id = await server.Client.Execute(tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        await server.Client.WaitForCompletion(tenant, id);
        await subscriber.WaitUntilAsync(Completed(ExecutionChannel(tenant, id)), "got the completion on the execution channel");
        await subscriber.WaitUntilAsync(Completed(WorkflowChannel(tenant, workflowId)), "got the completion on the workflow channel");

        var stored = StoredEventIds(id);
        var onExecution = subscriber.On(ExecutionChannel(tenant, id));
        var onWorkflow = subscriber.On(WorkflowChannel(tenant, workflowId)).Where(m => (string?)m["execution_id"] == id).ToList();
        Assert.True(stored.Count >= 4, $"only {stored.Count} events stored");
        Assert.Equal(stored, Deduped(onExecution));
        Assert.Equal(stored, Deduped(onWorkflow));
        // The WebSocket's fields, plus the tenant and the event's id and sequence.
        Assert.All(onExecution, m => Assert.Equal(tenant, (string?)m["tenant_id"]));
        Assert.All(onExecution, m => Assert.Equal(workflowId, (string?)m["workflow_id"]));
        Assert.All(onExecution, m => Assert.NotNull(m["timestamp"]));
        var sequences = onExecution.Select(m => (long)m["sequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal("workflow_execution_completed", (string?)onExecution[^1]["event"]);
        Assert.Equal("hello Ada", (string?)onExecution[^1]["output"]!["greeting"]);
        Assert.Contains(onExecution, m => (string?)m["event"] == "workflow_step_completed" && (string?)m["step_id"] == "greet");
        // The workflow's own event (saved) goes to its workflow channel only.
        Assert.Contains(subscriber.On(WorkflowChannel(tenant, workflowId)), m => (string?)m["event"] == "workflow_updated");
        Assert.DoesNotContain(subscriber.Received, r => r.Channel.Contains(":execution:", StringComparison.Ordinal) && (string?)r.Message["event"] == "workflow_updated");
    }

    [Fact]
    public async Task TwoTenants_ASubscriberOfOneTenantsChannels_SeesNothingOfTheOther()
    {
        var (a, b) = (ApiCalls.NewTenant(), ApiCalls.NewTenant());
        await using var all = await RedisSubscriber.StartAsync(_redis);
        await using var onlyA = await RedisSubscriber.StartAsync(_redis, $"chorus:{a}:*");
        await using var server = await StartServerAsync();
        var workflowA = await server.Client.CreateWorkflow(a, Definitions.Greeting());
        var workflowB = await server.Client.CreateWorkflow(b, Definitions.Greeting());

        var idA = await server.Client.Execute(a, workflowA, new JsonObject { ["name"] = "A" });
        var idB = await server.Client.Execute(b, workflowB, new JsonObject { ["name"] = "B" });
        await server.Client.WaitForCompletion(a, idA);
        await server.Client.WaitForCompletion(b, idB);
        await all.WaitUntilAsync(Completed(ExecutionChannel(b, idB)), "got tenant B's completion");
        await all.WaitUntilAsync(Completed(ExecutionChannel(a, idA)), "got tenant A's completion");
        await onlyA.WaitUntilAsync(Completed(ExecutionChannel(a, idA)), "got tenant A's completion on A's pattern");

        Assert.All(onlyA.Received, r => Assert.StartsWith($"chorus:{a}:", r.Channel, StringComparison.Ordinal));
        Assert.All(onlyA.Received, r => Assert.Equal(a, (string?)r.Message["tenant_id"]));
        Assert.DoesNotContain(onlyA.Received, r => (string?)r.Message["execution_id"] == idB || (string?)r.Message["workflow_id"] == workflowB);
        Assert.All(all.On(ExecutionChannel(b, idB)), m => Assert.Equal(b, (string?)m["tenant_id"]));
        Assert.Equal(StoredEventIds(idB), Deduped(all.On(ExecutionChannel(b, idB))));
    }

    [Fact]
    public async Task RedisKilledMidRun_ExecutionsComplete_AndWhenItReturnsTheMissedEventsGoOutInOrder()
    {
        var tenant = ApiCalls.NewTenant();
        await using var server = await StartServerAsync();
        var waits = await server.Client.CreateWorkflow(tenant, Definitions.WaitForEvent("go"));
        var greets = await server.Client.CreateWorkflow(tenant, Definitions.Greeting());
        await using var early = await RedisSubscriber.StartAsync(_redis);
        var waiting = await server.Client.Execute(tenant, waits);
        await server.Client.WaitForStatus(tenant, waiting, "waiting");
        await early.WaitUntilAsync(r => r.Any(m => (string?)m.Message["execution_id"] == waiting), "got the waiting execution's first event");

        await _redis.StopAsync();
        var before = Deduped(early.On(ExecutionChannel(tenant, waiting)));
        (await server.Client.Post($"/api/executions/{waiting}/events", tenant, new JsonObject { ["name"] = "go", ["data"] = new JsonObject { ["approved"] = "yes" } }))
            .Expect(HttpStatusCode.Accepted);
        await server.Client.WaitForCompletion(tenant, waiting);
        var during = await server.Client.Execute(tenant, greets, new JsonObject { ["name"] = "Bo" });
        await server.Client.WaitForCompletion(tenant, during);

        // Back on the same port, with PUBLISH held until the subscriber below is listening, so that it sees
        // everything the relay sends when it catches up.
        await _redis.StartAgainAsync();
        Assert.Equal("+OK", await _redis.CommandAsync("CLIENT", "PAUSE", "20000", "WRITE"));
        await using var late = await RedisSubscriber.StartAsync(_redis);
        Assert.Equal("+OK", await _redis.CommandAsync("CLIENT", "UNPAUSE"));
        await late.WaitUntilAsync(Completed(ExecutionChannel(tenant, waiting)), "got the completion of the execution that finished while Redis was down");
        await late.WaitUntilAsync(Completed(ExecutionChannel(tenant, during)), "got the completion of the execution that ran while Redis was down");

        var storedWaiting = StoredEventIds(waiting);
        var after = Deduped(late.On(ExecutionChannel(tenant, waiting)));
        // What went out before the crash plus what went out after it is every event, and the catch-up is in order.
        Assert.Equal(storedWaiting, before.Union(after).Order().ToList());
        Assert.Equal(after.Order(), after);
        Assert.Equal(storedWaiting.Where(e => !before.Contains(e)), after.Where(e => !before.Contains(e)));
        Assert.Equal(StoredEventIds(during), Deduped(late.On(ExecutionChannel(tenant, during))));
    }

    [Fact]
    public async Task ServerRestart_ResumesFromTheCursor_WithoutPublishingEverythingAgain()
    {
        var tenant = ApiCalls.NewTenant();
        await using var subscriber = await RedisSubscriber.StartAsync(_redis);
        List<long> first;
        string workflowId;
        await using (var server = await StartServerAsync())
        {
            workflowId = await server.Client.CreateWorkflow(tenant, Definitions.Greeting());
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
                ids.Add(await server.Client.Execute(tenant, workflowId, new JsonObject { ["name"] = $"n{i}" }));
            foreach (var id in ids)
            {
                await server.Client.WaitForCompletion(tenant, id);
                await subscriber.WaitUntilAsync(Completed(ExecutionChannel(tenant, id)), $"got {id}'s completion");
            }
            first = ids.SelectMany(StoredEventIds).ToList();
        }
        var countBefore = subscriber.Received.Count;

        await using var restarted = await StartServerAsync();
        var next = await restarted.Client.Execute(tenant, workflowId, new JsonObject { ["name"] = "after" });
        await restarted.Client.WaitForCompletion(tenant, next);
        await subscriber.WaitUntilAsync(Completed(ExecutionChannel(tenant, next)), "got the completion after the restart");

        var afterRestart = subscriber.Received.Skip(countBefore).Select(r => (long)r.Message["event_id"]!).ToList();
        var republished = afterRestart.Count(first.Contains);
        Assert.True(republished < first.Count, $"{republished} of the {first.Count} events published before the restart went out again");
        Assert.Equal(StoredEventIds(next), Deduped(subscriber.On(ExecutionChannel(tenant, next))));
    }

    [Fact]
    public async Task RedisDownAtStart_TheServerServes_AndTheEventsGoOutOnceRedisIsUp()
    {
        var port = RedisProcess.FreePort();
        var tenant = ApiCalls.NewTenant();
        await using var server = await StartServerAsync($"redis://127.0.0.1:{port}");
        var workflowId = await server.Client.CreateWorkflow(tenant, Definitions.Greeting());
        var id = await server.Client.Execute(tenant, workflowId, new JsonObject { ["name"] = "Cy" });
        await server.Client.WaitForCompletion(tenant, id);

        await using var redis = await RedisProcess.StartAsync(port);
        Assert.Equal("+OK", await redis.CommandAsync("CLIENT", "PAUSE", "20000", "WRITE"));
        await using var subscriber = await RedisSubscriber.StartAsync(redis);
        Assert.Equal("+OK", await redis.CommandAsync("CLIENT", "UNPAUSE"));

        await subscriber.WaitUntilAsync(Completed(ExecutionChannel(tenant, id)), "got the completion once Redis was up");
        Assert.Equal(StoredEventIds(id), Deduped(subscriber.On(ExecutionChannel(tenant, id))));
    }
}
