using System.Runtime.ExceptionServices;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>The statements of one transaction, sent in as few round trips as possible. A write whose result
/// nobody waits for (an insert, an update, a savepoint) is queued and goes to the server together with the next
/// statement that must answer, or with the commit. Statements still run in the order they were made, so a read
/// sees every write made before it. Per step this turns some ten round trips into one. The transaction itself
/// is plain SQL in the pipeline too: BEGIN goes with the first round trip and COMMIT with the last.</summary>
internal sealed class Pipeline(NpgsqlConnection connection)
{
    private readonly List<NpgsqlBatchCommand> _queued = [new("BEGIN")];
    private long _sent;
    private Exception? _failure;

    /// <summary>Whether any statement reached the server.</summary>
    public bool AnySent => _sent > 0;

    /// <summary>How many statements were made so far, sent or queued: a mark to drop queued ones back to.</summary>
    public long Position => _sent + _queued.Count;

    public void Queue(NpgsqlBatchCommand statement)
    {
        ThrowIfFailed();
        _queued.Add(statement);
    }

    /// <summary>Forgets the statements made from <paramref name="position"/> on, if none of them was sent yet.</summary>
    public bool TryDropFrom(long position)
    {
        ThrowIfFailed();
        if (position < _sent)
            return false;
        var index = (int)(position - _sent);
        _queued.RemoveRange(index, _queued.Count - index);
        return true;
    }

    public async Task FlushAsync()
    {
        if (_queued.Count == 0)
        {
            ThrowIfFailed();
            return;
        }
        await using var batch = Take(null);
        await RunAsync(batch, b => b.ExecuteNonQueryAsync()).ConfigureAwait(false);
    }

    /// <summary>Runs the queued statements and then <paramref name="statement"/>; returns the rows it changed.</summary>
    public async Task<int> ExecuteAsync(NpgsqlBatchCommand statement)
    {
        await using var batch = Take(statement);
        await RunAsync(batch, b => b.ExecuteNonQueryAsync()).ConfigureAwait(false);
        return statement.RecordsAffected;
    }

    /// <summary>Runs the queued statements and then <paramref name="statement"/>; returns its rows.</summary>
    public async Task<List<T>> QueryAsync<T>(NpgsqlBatchCommand statement, Func<NpgsqlDataReader, T> map)
    {
        await using var batch = Take(statement);
        return await RunAsync(batch, async b =>
        {
            // Queued statements return no rows, so the reader starts at this statement's result.
            var reader = await b.ExecuteReaderAsync().ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<T>();
                while (await reader.ReadAsync().ConfigureAwait(false))
                    rows.Add(map(reader));
                return rows;
            }
        }).ConfigureAwait(false);
    }

    private NpgsqlBatch Take(NpgsqlBatchCommand? statement)
    {
        ThrowIfFailed();
        var batch = new NpgsqlBatch(connection);
        foreach (var queued in _queued)
            batch.BatchCommands.Add(queued);
        if (statement is not null)
            batch.BatchCommands.Add(statement);
        _sent += batch.BatchCommands.Count;
        _queued.Clear();
        return batch;
    }

    private async Task<T> RunAsync<T>(NpgsqlBatch batch, Func<NpgsqlBatch, Task<T>> run)
    {
        try
        {
            return await run(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server aborted the transaction at the failing statement, whichever operation queued it.
            _failure = ex;
            throw;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
            ExceptionDispatchInfo.Throw(_failure);
    }
}
