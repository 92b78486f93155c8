using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;
using Npgsql;

namespace Chorus.Storage.Tests.Postgres;

/// <summary>What only a database with several writers can get wrong in the relay's reads: ids that become
/// visible out of order, and one execution's events written by two nodes from their own id blocks.</summary>
public sealed class PostgresEventRelayTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("tenant-a");
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly PostgresTestDatabase _databases = new();
    private PostgresStore _store = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _url = await _databases.CreateAsync();
        _store = await PostgresStore.OpenAsync(_url);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _databases.DropAllAsync();
    }

    private static EventRecord Event(Guid execution, int n) => new()
    {
        Tenant = Tenant, Type = "workflow_execution_update", ExecutionId = execution, WorkflowId = Guid.Empty,
        Payload = new JsonObject { ["n"] = n }, At = T0,
    };

    private static async Task InsertAsync(PostgresStore store, Guid execution, params int[] numbers)
    {
        await using var tx = await store.BeginAsync(CancellationToken.None);
        foreach (var n in numbers)
            await tx.InsertEventAsync(Event(execution, n));
        await tx.CommitAsync();
    }

    private async Task<(List<int> Numbers, string Cursor)> DrainAsync(string cursor)
    {
        var numbers = new List<int>();
        while (true)
        {
            var batch = await _store.ReadEventsAfterAsync(cursor, 500, CancellationToken.None);
            cursor = batch.Next;
            if (batch.Events.Count == 0)
                return (numbers, cursor);
            numbers.AddRange(batch.Events.Select(e => e.Event.Payload["n"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task ReadEventsAfterAsync_ALowerIdCommittedAfterAHigherOneWasRead_IsStillRead()
    {
        // A transaction takes id 10 and writes its event, but commits only after another transaction's id 11 was read.
        await using var slow = new NpgsqlConnection(PostgresUrl.ToConnectionString(_url));
        await slow.OpenAsync();
        await using var tx = await slow.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO workflow.events (id, tenant_id, type, execution_id, payload, at) " +
            "VALUES (nextval('workflow.events_id_seq'), 'tenant-a', 'workflow_execution_update', gen_random_uuid(), '{\"n\": 1}', now())", slow, tx))
            await insert.ExecuteNonQueryAsync();
        await InsertAsync(_store, Guid.NewGuid(), 2);

        var (before, cursor) = await DrainAsync("");
        await tx.CommitAsync();
        var (after, _) = await DrainAsync(cursor);

        Assert.Equal([2], before);
        Assert.Equal([1], after);
    }

    [Fact]
    public async Task ReadEventsAfterAsync_OneExecutionWrittenByTwoNodes_InTheOrderTheyCommitted()
    {
        // Each node takes ids in blocks: the second node's ids are higher than the first's, whatever the order of commits.
        await using var other = await PostgresStore.OpenAsync(_url);
        var execution = Guid.NewGuid();
        await InsertAsync(_store, Guid.NewGuid(), 0);
        await InsertAsync(other, execution, 1, 2);
        await InsertAsync(_store, execution, 3);
        await InsertAsync(other, execution, 4);
        await InsertAsync(_store, execution, 5, 6);

        var (numbers, _) = await DrainAsync("");

        Assert.Equal([0, 1, 2, 3, 4, 5, 6], numbers);
    }
}
