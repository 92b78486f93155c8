using Chorus.Engine;

namespace Chorus.Storage.Relational;

/// <summary>The statements of history retention: which executions are old enough to go, their families (subflow
/// children, at any depth), and the deletes of every row they own. A family goes together or not at all, so a
/// parent's history never points at a child that is gone.</summary>
internal sealed class RetentionRows(SqlDialect d)
{
    /// <summary>The statuses an execution cannot leave (a timeout ends as failed). Word for word the condition of
    /// the partial index of finished executions (migration retention): SQLite uses it only for a query that repeats it.</summary>
    public const string Finished = "status IN ('completed', 'failed', 'cancelled')";

    private static readonly string[] OwnedBy = ["step_runs", "execution_logs", "events", "signals", "work_items", "execution_search_attributes"];

    private readonly string _executions = d.Table("executions");

    /// <summary>The tenants with finished top-level executions: one index seek per tenant (a loose index scan),
    /// however many executions each has.</summary>
    public Statement TenantsWithHistory() => new(d.Sql(
        $"WITH RECURSIVE t(tenant_id) AS (SELECT MIN(tenant_id) FROM {_executions} WHERE {Finished} AND parent_id IS NULL " +
        $"UNION ALL SELECT (SELECT MIN(e.tenant_id) FROM {_executions} e WHERE e.{Finished} AND e.parent_id IS NULL AND e.tenant_id > t.tenant_id) " +
        "FROM t WHERE t.tenant_id IS NOT NULL) SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL"));

    /// <summary>The tenant's top-level executions that finished before <paramref name="before"/>, oldest first.</summary>
    public Statement OldRoots(TenantId tenant, DateTimeOffset before, int max) => new Statement(d.Sql(
            $"SELECT id FROM {_executions} WHERE tenant_id = @tenant AND {Finished} AND parent_id IS NULL AND completed_at < @before " +
            "ORDER BY completed_at, id LIMIT @max"))
        .With("@tenant", tenant).With("@before", before).With("@max", max);

    /// <summary>The workflow's finished top-level executions, whatever their age.</summary>
    public Statement FinishedRootsOf(TenantId tenant, Guid workflowId, int max) => new Statement(d.Sql(
            $"SELECT id FROM {_executions} WHERE tenant_id = @tenant AND workflow_id = @workflow AND parent_id IS NULL AND {Finished} " +
            "ORDER BY created_at, id LIMIT @max"))
        .With("@tenant", tenant).With("@workflow", workflowId).With("@max", max);

    /// <summary>Each root and its descendants, each with whether it may go: finished, and before the cutoff when
    /// there is one. Read in one walk down the parent index, with no join back to the executions: SQLite's planner
    /// otherwise read all of the tenant's executions for every member of a family (a batch took 30 s on 100,000
    /// executions, not milliseconds), so it is told the index, and the partial index's condition is repeated.</summary>
    public Statement Families(TenantId tenant, Guid[] roots, DateTimeOffset? before)
    {
        var done = $"CASE WHEN {(before is null ? Finished : $"{Finished} AND completed_at < @before")} THEN 1 ELSE 0 END";
        var statement = new Statement(d.Sql(
            "WITH RECURSIVE family(root, id, done) AS (" +
            $"SELECT id, id, {done} FROM {_executions} WHERE tenant_id = @tenant AND {d.AnyId("id", "@ids")} " +
            $"UNION ALL SELECT f.root, e.id, {done} FROM family f JOIN {_executions} e {d.IndexedBy("ix_executions_parent")} " +
            "ON e.parent_id = f.id AND e.parent_id IS NOT NULL AND e.tenant_id = @tenant) " +
            "SELECT root, id, done FROM family"))
            .With("@tenant", tenant).With("@ids", roots);
        return before is { } cutoff ? statement.With("@before", cutoff) : statement;
    }

    /// <summary>One delete per table, the executions' rows last; each reaches its rows through an index on the
    /// execution id.</summary>
    public IEnumerable<Statement> DeleteExecutions(TenantId tenant, Guid[] ids)
    {
        foreach (var table in OwnedBy)
            yield return new Statement(d.Sql($"DELETE FROM {d.Table(table)} WHERE tenant_id = @tenant AND execution_id IS NOT NULL AND {d.AnyId("execution_id", "@ids")}"))
                .With("@tenant", tenant).With("@ids", ids);
        yield return new Statement(d.Sql($"DELETE FROM {_executions} WHERE tenant_id = @tenant AND {d.AnyId("id", "@ids")}"))
            .With("@tenant", tenant).With("@ids", ids);
    }

    /// <summary>Deletes the events written before <paramref name="before"/> among the <paramref name="max"/> oldest
    /// by id: ids grow with time, so this reads the head of the table and nothing else, with no index on the time.</summary>
    public Statement PruneEvents(DateTimeOffset before, int max) => new Statement(d.Sql(
            $"DELETE FROM {d.Table("events")} WHERE id IN (SELECT id FROM (SELECT id, at FROM {d.Table("events")} ORDER BY id LIMIT @max) head " +
            "WHERE at < @before)"))
        .With("@before", before).With("@max", max);
}
