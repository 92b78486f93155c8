using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>What the single writer connection keeps between group commits: its prepared commands, the rows
/// of the append-only tables waiting for the commit, and the next event id (one writer hands them out, so
/// an event's id is known before its row is written).</summary>
internal sealed class WriterBuffers(SqliteConnection connection, long lastEventId) : IDisposable
{
    public CommandCache Commands { get; } = new(connection);

    public BufferedInserts StepRuns { get; } = new("step_runs", "tenant_id", "execution_id", "step_id", "attempt", "step_name",
        "step_type", "status", "input", "output", "error", "started_at", "finished_at");

    public BufferedInserts Logs { get; } = new("execution_logs", "tenant_id", "execution_id", "step_id", "level", "message", "data", "at");

    public BufferedInserts Events { get; } = new("events", "id", "tenant_id", "type", "execution_id", "workflow_id", "payload", "at");

    private long _lastEventId = lastEventId;

    public long NextEventId() => ++_lastEventId;

    public (int StepRuns, int Logs, int Events) Mark() => (StepRuns.Count, Logs.Count, Events.Count);

    public void RollBackTo((int StepRuns, int Logs, int Events) mark)
    {
        StepRuns.Truncate(mark.StepRuns);
        Logs.Truncate(mark.Logs);
        Events.Truncate(mark.Events);
    }

    public async Task FlushAsync(SqliteTransaction tx)
    {
        await StepRuns.FlushAsync(sql => Commands.Get(sql, tx)).ConfigureAwait(false);
        await Logs.FlushAsync(sql => Commands.Get(sql, tx)).ConfigureAwait(false);
        await Events.FlushAsync(sql => Commands.Get(sql, tx)).ConfigureAwait(false);
    }

    public void Dispose() => Commands.Dispose();
}
