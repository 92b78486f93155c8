using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Storage.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Chorus.Benchmarks;

/// <summary>W3P's old history: <paramref name="executions"/> finished executions of a <paramref name="steps"/>-step
/// sequence that ended <paramref name="age"/> ago, each with its step runs and log lines (one per step and one for
/// the execution), written straight into the store's tables in a few big statements before any engine runs.
/// Their events are not written: the outbox keeps events a day, so those of old executions are long gone.</summary>
internal sealed class OldHistory(int executions, int steps, TimeSpan age)
{
    // Ids that count up, as text the stores read back as Guids; no engine's random id starts with eight zeros.
    private const string SqliteId = "printf('00000000-0000-4000-8000-%012x', i)";
    private const string PostgresId = "('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid";

    private DateTimeOffset _endedBy;

    public int Executions => executions;

    public int StepRuns => executions * steps;

    /// <summary>Everything this history holds ended before this moment, the pruning's cutoff for what is old.</summary>
    public DateTimeOffset EndedBy => _endedBy;

    public async Task SeedAsync(BenchStore bench)
    {
        var workflow = (await new WorkflowService(bench.Store, Harness.Registry, TimeProvider.System)
            .CreateAsync(TenantId.Default, Workflows.Sequence(steps))).Workflow.Id;
        var start = DateTimeOffset.UtcNow - age;
        // Execution i starts at start + i * 100 ms, its step k runs at + k ms, and it ends at + steps + 1 ms.
        _endedBy = start + TimeSpan.FromMilliseconds(executions * 100.0 + steps + 2);
        var state = "{\"steps\":{" + string.Join(",", Enumerable.Range(1, steps).Select(k => $"\"s{k}\":{{\"status\":\"Completed\"}}")) +
                    $"}},\"arrivals\":{{}},\"last_completed\":\"s{steps}\"}}";
        var context = $"{{\"input\":{{\"counter\":0}},\"counter\":{steps}}}";
        await using var connection = await OpenAsync(bench);
        if (bench.Kind == StoreKind.Sqlite)
        {
            await ExecuteAsync(connection, "PRAGMA synchronous = OFF");
            await using (var tx = await connection.BeginTransactionAsync())
            {
                const string n = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @count - 1), " +
                                 "s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < @steps) ";
                await InsertAsync(connection, n +
                    "INSERT INTO executions (tenant_id, id, workflow_id, workflow_version, status, mode, input, context, state, output, " +
                    "error, current_step, parent_id, parent_step, is_test, total_steps, created_at, started_at, completed_at, deadline_at) " +
                    $"SELECT 'default', {SqliteId}, @workflow, 1, 'completed', 'automatic', '{{\"counter\":0}}', @context, @state, " +
                    "'{\"counter\":' || @steps || '}', NULL, NULL, NULL, NULL, 0, @steps, @t0 + i * 100, @t0 + i * 100, @t0 + i * 100 + @steps + 1, NULL FROM n",
                    tx, workflow.ToString(), state, context, start);
                await InsertAsync(connection, n +
                    "INSERT INTO step_runs (tenant_id, execution_id, step_id, attempt, step_name, step_type, status, input, output, error, started_at, finished_at) " +
                    $"SELECT 'default', {SqliteId}, 's' || k, 1, 's' || k, 'increment', 'completed', '{{\"counter\":' || (k - 1) || '}}', " +
                    "'{\"counter\":' || k || '}', NULL, @t0 + i * 100 + k, @t0 + i * 100 + k FROM n, s ORDER BY i, k",
                    tx, workflow.ToString(), state, context, start);
                await InsertAsync(connection, n + ", l(k) AS (SELECT k FROM s UNION ALL SELECT @steps + 1) " +
                    "INSERT INTO execution_logs (tenant_id, execution_id, step_id, level, message, data, at) " +
                    $"SELECT 'default', {SqliteId}, CASE WHEN k <= @steps THEN 's' || k END, 'info', " +
                    "CASE WHEN k <= @steps THEN 'Step ''s' || k || ''' completed in 1 ms' ELSE 'Execution completed' END, NULL, @t0 + i * 100 + k " +
                    "FROM n, l ORDER BY i, k",
                    tx, workflow.ToString(), state, context, start);
                await tx.CommitAsync();
            }
            // An old database has its WAL folded into the file long since.
            await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            return;
        }
        await using (var tx = await connection.BeginTransactionAsync())
        {
            const string n = "FROM generate_series(0, @count - 1) AS n(i) ";
            await InsertAsync(connection,
                "INSERT INTO workflow.instances (tenant_id, id, workflow_id, workflow_version, status, mode, input, context, state, output, " +
                "error, current_step, parent_id, parent_step, is_test, total_steps, created_at, started_at, completed_at, deadline_at) " +
                $"SELECT 'default', {PostgresId}, @workflow::uuid, 1, 'completed', 'automatic', '{{\"counter\":0}}'::jsonb, @context::jsonb, @state::jsonb, " +
                "jsonb_build_object('counter', @steps), NULL, NULL, NULL, NULL, false, @steps, @t0 + i * interval '100 ms', @t0 + i * interval '100 ms', " +
                "@t0 + i * interval '100 ms' + (@steps + 1) * interval '1 ms', NULL " + n,
                tx, workflow.ToString(), state, context, start);
            await InsertAsync(connection,
                "INSERT INTO workflow.steps (tenant_id, execution_id, step_id, attempt, step_name, step_type, status, input, output, error, started_at, finished_at) " +
                $"SELECT 'default', {PostgresId}, 's' || k, 1, 's' || k, 'increment', 'completed', jsonb_build_object('counter', k - 1), " +
                "jsonb_build_object('counter', k), NULL, @t0 + i * interval '100 ms' + k * interval '1 ms', @t0 + i * interval '100 ms' + k * interval '1 ms' " +
                n + ", generate_series(1, @steps) AS s(k) ORDER BY i, k",
                tx, workflow.ToString(), state, context, start);
            await InsertAsync(connection,
                "INSERT INTO workflow.execution_logs (tenant_id, execution_id, step_id, level, message, data, at) " +
                $"SELECT 'default', {PostgresId}, CASE WHEN k <= @steps THEN 's' || k END, 'info', " +
                "CASE WHEN k <= @steps THEN 'Step ''s' || k || ''' completed in 1 ms' ELSE 'Execution completed' END, NULL, " +
                "@t0 + i * interval '100 ms' + k * interval '1 ms' " + n + ", generate_series(1, @steps + 1) AS s(k) ORDER BY i, k",
                tx, workflow.ToString(), state, context, start);
            await tx.CommitAsync();
        }
        // An old database has been vacuumed and analysed by autovacuum long since.
        await ExecuteAsync(connection, "VACUUM ANALYZE");

        async Task InsertAsync(DbConnection c, string sql, DbTransaction tx, string workflowId, string stateJson, string contextJson, DateTimeOffset t0)
        {
            await using var command = c.CreateCommand();
            command.CommandText = sql;
            command.Transaction = tx;
            command.CommandTimeout = 0;
            Add(command, "@count", executions);
            Add(command, "@steps", steps);
            Add(command, "@workflow", workflowId);
            Add(command, "@state", stateJson);
            Add(command, "@context", contextJson);
            Add(command, "@t0", bench.Kind == StoreKind.Sqlite ? t0.ToUnixTimeMilliseconds() : t0);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>How many of the old executions and of their step runs are still there.</summary>
    public async Task<(long Executions, long StepRuns)> CountAsync(BenchStore bench)
    {
        var sqlite = bench.Kind == StoreKind.Sqlite;
        var (executionsTable, stepsTable) = sqlite ? ("executions", "step_runs") : ("workflow.instances", "workflow.steps");
        await using var connection = await OpenAsync(bench);
        // The first through the index of finished executions retention uses, the second reads the whole table.
        var left = await ScalarAsync(connection, $"SELECT COUNT(*) FROM {executionsTable} WHERE tenant_id = 'default' AND " +
            $"status IN ('completed', 'failed', 'cancelled') AND parent_id IS NULL AND completed_at < @before");
        var leftSteps = await ScalarAsync(connection, $"SELECT COUNT(*) FROM {stepsTable} WHERE started_at < @before");
        return (left, leftSteps);

        async Task<long> ScalarAsync(DbConnection c, string sql)
        {
            await using var command = c.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 0;
            Add(command, "@before", sqlite ? _endedBy.ToUnixTimeMilliseconds() : _endedBy);
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
    }

    /// <summary>The database's size in MB: the SQLite file with its WAL, or the PostgreSQL database.</summary>
    public static async Task<double> SizeMbAsync(BenchStore bench)
    {
        if (bench.Kind == StoreKind.Sqlite)
        {
            var wal = new FileInfo(bench.Url + "-wal");
            return (new FileInfo(bench.Url).Length + (wal.Exists ? wal.Length : 0)) / (1024.0 * 1024.0);
        }
        await using var connection = await OpenAsync(bench);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_database_size(current_database())";
        return Convert.ToInt64(await command.ExecuteScalarAsync()) / (1024.0 * 1024.0);
    }

    private static async Task<DbConnection> OpenAsync(BenchStore bench)
    {
        DbConnection connection = bench.Kind == StoreKind.Sqlite
            ? new SqliteConnection($"Data Source={bench.Url}")
            : new NpgsqlConnection(PostgresUrl.ToConnectionString(bench.Url));
        await connection.OpenAsync();
        if (bench.Kind == StoreKind.Sqlite)
            await ExecuteAsync(connection, "PRAGMA busy_timeout = 60000");
        return connection;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
