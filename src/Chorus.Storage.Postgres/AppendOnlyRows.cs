using Chorus.Engine.Storage;
using Chorus.Storage.Relational;
using Npgsql;
using NpgsqlTypes;

namespace Chorus.Storage.Postgres;

/// <summary>Rows of the append-only tables (step runs, logs, events) collected during a group commit and
/// written just before the commit with one INSERT per table, the columns sent as arrays that unnest() turns
/// back into rows: three statements for a whole batch instead of three per step. Nothing in the engine's
/// transaction reads these tables back, so writing them late changes no answer. Each row remembers the
/// pipeline position it was made at, so an operation rolled back to its savepoint takes its rows with it.</summary>
internal sealed class AppendOnlyRows
{
    private static AppendOnlyTables Tables => PostgresDialect.Statements.AppendOnly;

    private readonly List<(long Position, StepRunRecord Run, string? Input, string? Output, string? Error, string? Variables, string? Next)> _stepRuns = [];
    private readonly List<(long Position, LogRecord Log, string? Data)> _logs = [];
    private readonly List<(long Position, long Id, EventRecord Event, string Payload)> _events = [];

    // JSON is written out when the row is made: the nodes may change afterwards.
    public void Add(long position, StepRunRecord run) =>
        _stepRuns.Add((position, run, run.Input?.ToJsonString(), run.Output?.ToJsonString(), run.Error?.ToJsonString(),
            run.Variables?.ToJsonString(), run.Next?.ToJsonString()));

    public void Add(long position, LogRecord log) => _logs.Add((position, log, log.Data?.ToJsonString()));

    public void Add(long position, long id, EventRecord evt) => _events.Add((position, id, evt, evt.Payload.ToJsonString()));

    /// <summary>Forgets the rows made after the statement at <paramref name="position"/> was queued.</summary>
    public void DropAfter(long position)
    {
        _stepRuns.RemoveAll(r => r.Position > position);
        _logs.RemoveAll(r => r.Position > position);
        _events.RemoveAll(r => r.Position > position);
    }

    /// <summary>The INSERT statements for the rows collected, which are then forgotten.</summary>
    public IEnumerable<NpgsqlBatchCommand> TakeStatements()
    {
        var statements = new List<NpgsqlBatchCommand>(3);
        if (_stepRuns.Count > 0)
            statements.Add(StepRunsStatement());
        if (_logs.Count > 0)
            statements.Add(LogsStatement());
        if (_events.Count > 0)
            statements.Add(EventsStatement());
        _stepRuns.Clear();
        _logs.Clear();
        _events.Clear();
        return statements;
    }

    private NpgsqlBatchCommand StepRunsStatement()
    {
        // One statement may not upsert the same row twice: the last save of a step run is the one that counts.
        var runs = _stepRuns.GroupBy(r => (r.Run.ExecutionId, r.Run.StepId, r.Run.Attempt)).Select(g => g.Last()).ToList();
        return new NpgsqlBatchCommand(
                $"INSERT INTO {Tables.StepRuns} ({string.Join(", ", AppendOnlyTables.StepRunColumns)}) " +
                "SELECT * FROM unnest(@tenant, @execution, @step, @attempt, @name, @type, @status, @input, @output, @error, @started, @finished, @seq, @variables, @next, @status_after) " +
                "ON CONFLICT (execution_id, step_id, attempt) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, step_name = EXCLUDED.step_name, " +
                "step_type = EXCLUDED.step_type, status = EXCLUDED.status, input = EXCLUDED.input, output = EXCLUDED.output, error = EXCLUDED.error, " +
                "started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, seq = EXCLUDED.seq, variables = EXCLUDED.variables, " +
                "next_steps = EXCLUDED.next_steps, status_after = EXCLUDED.status_after")
            .WithArray("@tenant", NpgsqlDbType.Text, runs.Select(r => r.Run.Tenant.Value).ToArray())
            .WithArray("@execution", NpgsqlDbType.Uuid, runs.Select(r => r.Run.ExecutionId).ToArray())
            .WithArray("@step", NpgsqlDbType.Text, runs.Select(r => r.Run.StepId).ToArray())
            .WithArray("@attempt", NpgsqlDbType.Integer, runs.Select(r => r.Run.Attempt).ToArray())
            .WithArray("@name", NpgsqlDbType.Text, runs.Select(r => r.Run.StepName).ToArray())
            .WithArray("@type", NpgsqlDbType.Text, runs.Select(r => r.Run.StepType).ToArray())
            .WithArray("@status", NpgsqlDbType.Text, runs.Select(r => r.Run.Status).ToArray())
            .WithArray("@input", NpgsqlDbType.Jsonb, runs.Select(r => r.Input).ToArray())
            .WithArray("@output", NpgsqlDbType.Jsonb, runs.Select(r => r.Output).ToArray())
            .WithArray("@error", NpgsqlDbType.Jsonb, runs.Select(r => r.Error).ToArray())
            .WithArray("@started", NpgsqlDbType.TimestampTz, runs.Select(r => r.Run.StartedAt.ToUniversalTime()).ToArray())
            .WithArray("@finished", NpgsqlDbType.TimestampTz, runs.Select(r => r.Run.FinishedAt?.ToUniversalTime()).ToArray())
            .WithArray("@seq", NpgsqlDbType.Bigint, runs.Select(r => r.Run.Sequence).ToArray())
            .WithArray("@variables", NpgsqlDbType.Jsonb, runs.Select(r => r.Variables).ToArray())
            .WithArray("@next", NpgsqlDbType.Jsonb, runs.Select(r => r.Next).ToArray())
            .WithArray("@status_after", NpgsqlDbType.Text, runs.Select(r => r.Run.StatusAfter).ToArray());
    }

    private NpgsqlBatchCommand LogsStatement() => new NpgsqlBatchCommand(
            $"INSERT INTO {Tables.Logs} ({string.Join(", ", AppendOnlyTables.LogColumns)}) " +
            "SELECT * FROM unnest(@tenant, @execution, @step, @level, @message, @data, @at)")
        .WithArray("@tenant", NpgsqlDbType.Text, _logs.Select(r => r.Log.Tenant.Value).ToArray())
        .WithArray("@execution", NpgsqlDbType.Uuid, _logs.Select(r => r.Log.ExecutionId).ToArray())
        .WithArray("@step", NpgsqlDbType.Text, _logs.Select(r => r.Log.StepId).ToArray())
        .WithArray("@level", NpgsqlDbType.Text, _logs.Select(r => r.Log.Level).ToArray())
        .WithArray("@message", NpgsqlDbType.Text, _logs.Select(r => r.Log.Message).ToArray())
        .WithArray("@data", NpgsqlDbType.Jsonb, _logs.Select(r => r.Data).ToArray())
        .WithArray("@at", NpgsqlDbType.TimestampTz, _logs.Select(r => r.Log.At.ToUniversalTime()).ToArray());

    private NpgsqlBatchCommand EventsStatement() => new NpgsqlBatchCommand(
            $"INSERT INTO {Tables.Events} ({string.Join(", ", AppendOnlyTables.EventColumns)}) " +
            "SELECT * FROM unnest(@id, @tenant, @type, @execution, @workflow, @payload, @at)")
        .WithArray("@id", NpgsqlDbType.Bigint, _events.Select(r => r.Id).ToArray())
        .WithArray("@tenant", NpgsqlDbType.Text, _events.Select(r => r.Event.Tenant.Value).ToArray())
        .WithArray("@type", NpgsqlDbType.Text, _events.Select(r => r.Event.Type).ToArray())
        .WithArray("@execution", NpgsqlDbType.Uuid, _events.Select(r => r.Event.ExecutionId).ToArray())
        .WithArray("@workflow", NpgsqlDbType.Uuid, _events.Select(r => r.Event.WorkflowId).ToArray())
        .WithArray("@payload", NpgsqlDbType.Jsonb, _events.Select(r => r.Payload).ToArray())
        .WithArray("@at", NpgsqlDbType.TimestampTz, _events.Select(r => r.Event.At.ToUniversalTime()).ToArray());
}

internal static class ArrayParameters
{
    /// <summary>An array parameter, for the columns of many rows sent at once.</summary>
    public static NpgsqlBatchCommand WithArray(this NpgsqlBatchCommand cmd, string name, NpgsqlDbType element, Array values)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | element) { Value = values });
        return cmd;
    }
}
