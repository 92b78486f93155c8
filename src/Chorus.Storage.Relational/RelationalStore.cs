using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>What the API reads and the definitions it writes, the same on every relational store: each store
/// brings its dialect and how it opens a connection for them.</summary>
public abstract partial class RelationalStore : IWorkflowStore, IExecutionReader, IScheduleReader, IApiKeyStore, ITierStore, ISecretStore, IWebhookTriggerStore, IBrokerTriggerStore
{
    internal RelationalStore(StoreSql sql) => Sql = sql;

    internal StoreSql Sql { get; }

    /// <summary>A connection for reads and for the rare writes outside the engine (definitions).</summary>
    internal abstract Task<DbConnection> OpenConnectionAsync(CancellationToken ct);

    public Task<bool> CreateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord firstVersion, CancellationToken ct) =>
        WriteWorkflowAsync(WorkflowRows.Bind(new Statement(Sql.Workflows.Insert), workflow), firstVersion, ct);

    public Task<bool> UpdateWorkflowAsync(WorkflowRecord workflow, WorkflowVersionRecord? newVersion, CancellationToken ct) =>
        WriteWorkflowAsync(WorkflowRows.Bind(new Statement(Sql.Workflows.Update), workflow), newVersion, ct);

    /// <summary>The workflow's row and its new version, in one transaction; false when the row was not there.</summary>
    private async Task<bool> WriteWorkflowAsync(Statement write, WorkflowVersionRecord? version, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (await ExecuteAsync(connection, write, ct, tx).ConfigureAwait(false) == 0)
            return false;
        if (version is not null)
            await ExecuteAsync(connection, Sql.Workflows.InsertVersion(version), ct, tx).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public Task<bool> DeleteWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        WithConnectionAsync(async c => await ExecuteAsync(c, Sql.Workflows.Delete(tenant, id), ct).ConfigureAwait(false) > 0, ct);

    public Task<WorkflowRecord?> GetWorkflowAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Workflows.ById(tenant, id), WorkflowRows.Map, ct);

    public Task<Page<WorkflowRecord>> ListWorkflowsAsync(TenantId tenant, int offset, int limit, CancellationToken ct) =>
        PageAsync(Sql.Workflows.Count(tenant), Sql.Workflows.Page(tenant, offset, limit), WorkflowRows.Map, ct);

    public Task<WorkflowVersionRecord?> GetVersionAsync(TenantId tenant, Guid workflowId, int number, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Workflows.Version(tenant, workflowId, number), WorkflowRows.MapVersion, ct);

    public async Task<IReadOnlyList<WorkflowVersionRecord>> ListVersionsAsync(TenantId tenant, Guid workflowId, CancellationToken ct) =>
        await ListAsync(Sql.Workflows.Versions(tenant, workflowId), WorkflowRows.MapVersion, ct).ConfigureAwait(false);

    public Task<ExecutionRecord?> GetExecutionAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Executions.ById(tenant, id), ExecutionRows.Map, ct);

    public Task<Page<ExecutionRecord>> ListExecutionsAsync(TenantId tenant, ExecutionQuery query, CancellationToken ct)
    {
        var (count, page) = Sql.Executions.List(tenant, query);
        return PageAsync(count, page, ExecutionRows.Map, ct);
    }

    public async Task<IReadOnlyList<LatestExecution>> LatestExecutionsAsync(TenantId tenant, IReadOnlyCollection<Guid> workflowIds, CancellationToken ct) =>
        workflowIds.Count == 0 ? [] : await ListAsync(Sql.Executions.Latest(tenant, workflowIds), ExecutionRows.MapLatest, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(TenantId tenant, Guid executionId, CancellationToken ct) =>
        await ListAsync(Sql.AppendOnly.StepRunsOf(tenant, executionId), AppendOnlyTables.MapStepRun, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(TenantId tenant, Guid executionId, CancellationToken ct) =>
        await ListAsync(Sql.AppendOnly.LogsOf(tenant, executionId), AppendOnlyTables.MapLog, ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<EventRecord>> GetEventsAsync(TenantId tenant, Guid executionId, CancellationToken ct) =>
        await ListAsync(Sql.AppendOnly.EventsOf(tenant, executionId), AppendOnlyTables.MapEvent, ct).ConfigureAwait(false);

    public Task<ScheduleRecord?> GetScheduleAsync(TenantId tenant, Guid id, CancellationToken ct) =>
        FirstOrDefaultAsync(Sql.Schedules.ById(tenant, id), ScheduleRows.Map, ct);

    public async Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(TenantId tenant, Guid workflowId, CancellationToken ct) =>
        await ListAsync(Sql.Schedules.OfWorkflow(tenant, workflowId), ScheduleRows.Map, ct).ConfigureAwait(false);

    public async Task<QueueSample?> SampleQueueAsync(DateTimeOffset now, CancellationToken ct) =>
        (await ListAsync(Sql.WorkItems.QueueSample(now), r => new QueueSample(Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            r.OptionalTime(1) is { } oldest ? now - oldest : TimeSpan.Zero), ct).ConfigureAwait(false))[0];

    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await WithConnectionAsync(c => ScalarAsync(c, new Statement($"SELECT COUNT(*) FROM {Sql.SchemaMigrations}"), ct), ct).ConfigureAwait(false);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private async Task<T> WithConnectionAsync<T>(Func<DbConnection, Task<T>> use, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        return await use(connection).ConfigureAwait(false);
    }

    private async Task<Page<T>> PageAsync<T>(Statement count, Statement page, Func<DbDataReader, T> map, CancellationToken ct) =>
        await WithConnectionAsync(async c =>
        {
            var total = Columns.Int(await ScalarAsync(c, count, ct).ConfigureAwait(false));
            return new Page<T>(await ListAsync(c, page, map, ct).ConfigureAwait(false), total);
        }, ct).ConfigureAwait(false);

    private async Task<T?> FirstOrDefaultAsync<T>(Statement statement, Func<DbDataReader, T> map, CancellationToken ct) where T : class =>
        (await ListAsync(statement, map, ct).ConfigureAwait(false)).FirstOrDefault();

    private Task<List<T>> ListAsync<T>(Statement statement, Func<DbDataReader, T> map, CancellationToken ct) =>
        WithConnectionAsync(c => ListAsync(c, statement, map, ct), ct);

    private async Task<List<T>> ListAsync<T>(DbConnection connection, Statement statement, Func<DbDataReader, T> map, CancellationToken ct,
        DbTransaction? tx = null)
    {
        await using var cmd = statement.ToCommand(connection, Sql.Dialect, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var items = new List<T>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            items.Add(map(r));
        return items;
    }

    private async Task<object?> ScalarAsync(DbConnection connection, Statement statement, CancellationToken ct, DbTransaction? tx = null)
    {
        await using var cmd = statement.ToCommand(connection, Sql.Dialect, tx);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    private async Task<int> ExecuteAsync(DbConnection connection, Statement statement, CancellationToken ct, DbTransaction? tx = null)
    {
        await using var cmd = statement.ToCommand(connection, Sql.Dialect, tx);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
