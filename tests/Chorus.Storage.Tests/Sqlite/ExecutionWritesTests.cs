using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Chorus.Storage.Tests.Sqlite;

/// <summary>On SQLite an execution changed by several operations of one group commit (a fan-out's branches finishing
/// together) is written once, as it stands at the end.</summary>
public sealed class ExecutionWritesTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chorus-writes-{Guid.NewGuid():N}.db");
    private SqliteStore _store = null!;
    private readonly List<(string Table, int Change)> _writes = [];

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(_path);
        raw.sqlite3_update_hook(_store.Writer.Handle!, (strdelegate_update)((_, change, _, table, _) => _writes.Add((table, change))), null);
    }

    public async Task DisposeAsync()
    {
        raw.sqlite3_update_hook(_store.Writer.Handle!, (strdelegate_update?)null, null);
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
    }

    private static ExecutionRecord NewExecution() => new()
    {
        Tenant = TenantId.Default, Id = Guid.NewGuid(), WorkflowId = Guid.NewGuid(), WorkflowVersion = 1,
        Status = ExecutionStatus.Running, Mode = ExecutionMode.Automatic, State = new ExecutionState(), Input = new JsonObject(), Context = new JsonObject { ["input"] = new JsonObject() },
        CreatedAt = DateTimeOffset.UnixEpoch, StartedAt = DateTimeOffset.UnixEpoch,
    };

    private int ExecutionUpdates => _writes.Count(w => w is ("executions", raw.SQLITE_UPDATE));

    [Fact]
    public async Task ThreeChangesOfOneExecutionInOneTransaction_AreOneWrite_OfTheLast()
    {
        var execution = NewExecution();
        await using (var tx = await _store.BeginAsync(CancellationToken.None))
        {
            await tx.InsertExecutionAsync(execution);
            await tx.CommitAsync();
        }

        await using (var tx = await _store.BeginAsync(CancellationToken.None))
        {
            for (var branch = 1; branch <= 3; branch++)
            {
                execution.Context["branch" + branch] = branch;
                await tx.UpdateExecutionAsync(execution);
                // The step path's work item writes do not make it write the execution early.
                await tx.CompleteWorkItemAsync(id: branch, fence: 0);
            }
            await tx.CommitAsync();
        }

        Assert.Equal(1, ExecutionUpdates);
        var stored = await _store.GetExecutionAsync(TenantId.Default, execution.Id, CancellationToken.None);
        Assert.Equal(3, stored!.Context["branch3"]!.GetValue<int>());
        Assert.Equal(1, stored.Context["branch1"]!.GetValue<int>());
    }

    [Fact]
    public async Task AChangeOfAnotherOperation_InTheSameTransaction_IsWrittenBeforeARead()
    {
        var execution = NewExecution();
        await using var tx = await _store.BeginAsync(CancellationToken.None);
        await tx.InsertExecutionAsync(execution);
        execution.Status = ExecutionStatus.Completed;
        await tx.UpdateExecutionAsync(execution);
        Assert.Equal(0, ExecutionUpdates);

        Assert.Equal(new SlotHolders(0, 0), await tx.CountSlotHoldersAsync(TenantId.Default));

        Assert.Equal(1, ExecutionUpdates);
    }
}
