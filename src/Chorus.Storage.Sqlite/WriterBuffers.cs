using Chorus.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>What the single writer connection keeps between group commits: its prepared commands, the rows
/// of the append-only tables waiting for the commit, and the next event id (one writer hands them out, so
/// an event's id is known before its row is written).</summary>
internal sealed class WriterBuffers(SqliteConnection connection, long lastEventId, WalCheckpointer checkpointer) : IDisposable
{
    public CommandCache Commands { get; } = new(connection);

    public BufferedInserts StepRuns { get; } = new(Tables.StepRuns, AppendOnlyTables.StepRunColumns);

    public BufferedInserts Logs { get; } = new(Tables.Logs, AppendOnlyTables.LogColumns);

    public BufferedInserts Events { get; } = new(Tables.Events, AppendOnlyTables.EventColumns);

    /// <summary>Told of each commit, to checkpoint the log off the writer's thread.</summary>
    public WalCheckpointer Checkpointer { get; } = checkpointer;

    private static AppendOnlyTables Tables => SqliteDialect.Statements.AppendOnly;

    private long _lastEventId = lastEventId;

    public long NextEventId() => ++_lastEventId;

    public (int StepRuns, int Logs, int Events) Mark() => (StepRuns.Count, Logs.Count, Events.Count);

    public void RollBackTo((int StepRuns, int Logs, int Events) mark)
    {
        StepRuns.Truncate(mark.StepRuns);
        Logs.Truncate(mark.Logs);
        Events.Truncate(mark.Events);
    }

    public void Flush()
    {
        StepRuns.Flush(Commands.Write);
        Logs.Flush(Commands.Write);
        Events.Flush(Commands.Write);
    }

    public void Dispose() => Commands.Dispose();
}
