using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Ids for rows the engine inserts without waiting for an answer (work items, events), taken from the
/// table's own sequence a block at a time: with the id known in advance an insert needs no RETURNING, so it can
/// wait in the <see cref="Pipeline"/>. Ids stay unique across nodes; their order across nodes is not meaningful.</summary>
internal sealed class IdBlocks(string sequence)
{
    private const int BlockSize = 200;
    private readonly Lock _gate = new();
    private readonly Queue<long> _ids = new();

    public async Task<long> NextAsync(Pipeline pipeline)
    {
        lock (_gate)
        {
            if (_ids.TryDequeue(out var id))
                return id;
        }
        var block = await pipeline.QueryAsync(
            new NpgsqlBatchCommand($"SELECT nextval('{sequence}') FROM generate_series(1, {BlockSize})"), r => r.GetInt64(0)).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var id in block.Skip(1))
                _ids.Enqueue(id);
        }
        return block[0];
    }
}

/// <summary>The id blocks of one store, shared by its transactions.</summary>
internal sealed class EngineIds
{
    public IdBlocks WorkItems { get; } = new("workflow.work_items_id_seq");
    public IdBlocks Events { get; } = new("workflow.events_id_seq");
}
