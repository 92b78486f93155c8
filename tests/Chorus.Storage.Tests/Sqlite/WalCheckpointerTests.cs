using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Storage;
using Chorus.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Tests.Sqlite;

/// <summary>The write-ahead log is copied into the database file off the writer's thread, and still never grows
/// without bound under steady writes.</summary>
public sealed class WalCheckpointerTests : IAsyncLifetime
{
    private const int PageSize = 4096;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chorus-checkpoints-{Guid.NewGuid():N}.db");
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _store.DisposeAsync(); // as a host and the store's owner may both do
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
    }

    /// <summary>Commits of executions carrying about a page of context each, ten per commit.</summary>
    private async Task WriteAsync(int executions)
    {
        var filler = new string('x', PageSize);
        for (var written = 0; written < executions; written += 10)
        {
            await using var tx = await _store.BeginAsync(CancellationToken.None);
            for (var i = 0; i < 10; i++)
            {
                await tx.InsertExecutionAsync(new ExecutionRecord
                {
                    Tenant = TenantId.Default, Id = Guid.NewGuid(), WorkflowId = Guid.NewGuid(), WorkflowVersion = 1,
                    Status = ExecutionStatus.Running, Mode = ExecutionMode.Automatic, State = new ExecutionState(), Input = new JsonObject(),
                    Context = new JsonObject { ["input"] = new JsonObject(), ["filler"] = filler },
                    CreatedAt = DateTimeOffset.UnixEpoch, StartedAt = DateTimeOffset.UnixEpoch,
                });
            }
            await tx.CommitAsync();
        }
    }

    [Fact]
    public async Task WhatTheWriterCommits_IsCopiedIntoTheDatabaseFile_ByTheCheckpointer_BeforeTheWritersOwnBound()
    {
        var before = new FileInfo(_path).Length;

        // About 5 pages of log per execution (its context overflows a page): past the checkpointer's wake-up (2,000
        // pages), well short of the writer's own bound (8,000).
        await WriteAsync(700);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (new FileInfo(_path).Length < before + 500 * PageSize)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"the database file holds {new FileInfo(_path).Length} bytes after 20 s ({before} before): the log was not copied into it");
            await Task.Delay(50);
        }
        Assert.True(_store.BackgroundCheckpoints > 0, "the file grew, but not by the background checkpointer");
    }

    [Fact]
    public async Task UnderSteadyWrites_TheLogStartsOverInsteadOfGrowing()
    {
        // About 30,000 pages of log (120 MB): nearly four times the writer's bound.
        await WriteAsync(6000);

        var log = new FileInfo(_path + "-wal").Length;
        Assert.True(log < 2L * WalCheckpointer.WriterBoundPages * (PageSize + 24),
            $"the write-ahead log is {log / (1024 * 1024)} MB after 6,000 executions of a page each");
        Assert.Equal(6000, await CountExecutionsAsync());
    }

    private async Task<long> CountExecutionsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM executions";
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
