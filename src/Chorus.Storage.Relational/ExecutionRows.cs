using System.Data.Common;
using System.Text;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>The executions table: one mapping for the store's reads and the engine's transactions.</summary>
internal sealed class ExecutionRows(SqlDialect d)
{
    private const string ColumnList =
        "tenant_id, id, workflow_id, workflow_version, status, mode, input, context, state, output, error, current_step, " +
        "parent_id, parent_step, is_test, total_steps, created_at, started_at, completed_at, deadline_at, awaits_workflow_slot";

    public string Table { get; } = d.Table("executions");

    private readonly SearchAttributeRows _searchAttributes = new(d);

    public string Insert { get; } = d.Sql($"INSERT INTO {d.Table("executions")} ({ColumnList}) VALUES (@tenant, @id, @workflow, @version, " +
        "@status, @mode, @input, @context, @state, @output, @error, @current, @parent, @parent_step, @test, @total, @created, @started, @completed, @deadline, " +
        "@awaits_slot)");

    public string Update { get; } = d.Sql($"UPDATE {d.Table("executions")} SET status = @status, context = @context, state = @state, " +
        "output = @output, error = @error, current_step = @current, started_at = @started, completed_at = @completed, deadline_at = @deadline, " +
        "awaits_workflow_slot = @awaits_slot WHERE tenant_id = @tenant AND id = @id");

    /// <summary>The update of a step that changed none of the indexed columns: it sets only the columns no index
    /// names (nor any partial index's condition), and changes nothing when one of those indexed columns differs from
    /// the record, which then needs <see cref="Update"/>. The columns it leaves out are compared instead, in the
    /// WHERE clause, which costs no index upkeep. For SQLite, which rewrites the entry of every index whose columns
    /// or condition a SET names, whether or not the value changed (PostgreSQL compares the values).</summary>
    public string UpdateUnlessIndexedChange { get; } = d.Sql($"UPDATE {d.Table("executions")} SET context = @context, state = @state, " +
        "output = @output, error = @error, current_step = @current WHERE tenant_id = @tenant AND id = @id AND status = @status " +
        $"AND {d.SameValue("started_at", "@started")} AND {d.SameValue("completed_at", "@completed")} AND {d.SameValue("deadline_at", "@deadline")} " +
        "AND awaits_workflow_slot = @awaits_slot");

    public string Select { get; } = $"SELECT {ColumnList} FROM {d.Table("executions")}";

    /// <summary>Pending in admission's queue: not awaiting a slot of its workflow's own limit. Word for word the
    /// condition of the pending indexes (migration workflow_concurrency); <paramref name="alias"/> names the table.</summary>
    public string InAdmissionQueue(string alias = "") => $"{alias}status = 'pending' AND {d.IsFalse(alias + "awaits_workflow_slot")}";

    /// <summary>Holds one of its workflow's own concurrency slots: under way (pending in the queue, running, waiting
    /// or paused), top level, not a test. Word for word the condition of the index of migration workflow_concurrency.</summary>
    private readonly string _holdsAWorkflowSlot =
        $"status IN ('pending', {string.Join(", ", Enum.GetValues<ExecutionStatus>().Where(s => s.HoldsSlot()).Select(s => $"'{s.ToWire()}'"))}) " +
        $"AND {d.IsFalse("awaits_workflow_slot")} AND {d.IsFalse("is_test")} AND parent_id IS NULL";

    private readonly string _awaitsAWorkflowSlot = $"status = 'pending' AND {d.IsTrue("awaits_workflow_slot")}";

    public Statement CountWorkflowSlotHolders(TenantId tenant, Guid workflowId) => new Statement(d.Sql(
            $"SELECT COUNT(*) FROM {Table} {d.IndexedBy("ix_executions_workflow_slot_holders")} " +
            $"WHERE tenant_id = @tenant AND workflow_id = @workflow AND {_holdsAWorkflowSlot}"))
        .With("@tenant", tenant).With("@workflow", workflowId);

    public Statement OldestAwaitingWorkflowSlot(TenantId tenant, Guid workflowId) => new Statement(d.Sql(
            $"{Select} {d.IndexedBy("ix_executions_awaiting_workflow_slot")} WHERE tenant_id = @tenant AND workflow_id = @workflow " +
            $"AND {_awaitsAWorkflowSlot} ORDER BY created_at, id LIMIT 1{d.ForUpdate}"))
        .With("@tenant", tenant).With("@workflow", workflowId);

    public Statement WorkflowsAwaitingSlots(int max) => new Statement(d.Sql(
            $"SELECT DISTINCT tenant_id, workflow_id FROM {Table} {d.IndexedBy("ix_executions_awaiting_workflow_slot")} " +
            $"WHERE {_awaitsAWorkflowSlot} LIMIT @max"))
        .With("@max", max);

    private readonly string _activeChildren = d.Sql($"SELECT id FROM {d.Table("executions")} " +
        "WHERE parent_id = @parent AND tenant_id = @tenant AND status NOT IN ('completed', 'failed', 'cancelled')");

    private readonly string _byId = d.Sql($"SELECT {ColumnList} FROM {d.Table("executions")} WHERE tenant_id = @tenant AND id = @id");

    /// <summary>The execution; for change, locked where the dialect locks rows.</summary>
    public Statement ById(TenantId tenant, Guid id, bool forUpdate = false) =>
        new Statement(forUpdate ? _byIdForUpdate : _byId).With("@tenant", tenant).With("@id", id);

    private readonly string _byIdForUpdate = d.Sql($"SELECT {ColumnList} FROM {d.Table("executions")} WHERE tenant_id = @tenant AND id = @id{d.ForUpdate}");

    public Statement ActiveChildren(TenantId tenant, Guid parentId) => new Statement(_activeChildren).With("@parent", parentId).With("@tenant", tenant);

    /// <summary>The page's rows and the total count, filtered alike. Only the filters in use get a parameter:
    /// PostgreSQL refuses an untyped null the query never mentions.</summary>
    public (Statement Count, Statement Page) List(TenantId tenant, ExecutionQuery query)
    {
        var where = new StringBuilder("tenant_id = @tenant");
        if (!query.IncludeTests) where.Append(" AND ").Append(d.IsFalse("is_test"));
        if (query.WorkflowId is not null) where.Append(" AND workflow_id = @workflow");
        if (query.Status is not null) where.Append(" AND status = @status");
        var anyStatus = query.AnyStatus ?? [];
        if (anyStatus.Count > 0)
            where.Append(" AND status IN (").AppendJoin(", ", anyStatus.Select((_, i) => $"@any_status{i}")).Append(')');
        if (query.From is not null) where.Append(" AND created_at >= @from");
        if (query.To is not null) where.Append(" AND created_at <= @to");
        if (query.Text is { Length: > 0 }) where.Append(" AND ").Append(d.JsonLike("input", "@text"));
        _searchAttributes.AppendFilters(where, query.Search.Count);
        Statement Bind(Statement s)
        {
            s.With("@tenant", tenant);
            if (query.WorkflowId is { } workflow) s.With("@workflow", workflow);
            if (query.Status is { } status) s.With("@status", status.ToWire());
            for (var i = 0; i < anyStatus.Count; i++) s.With($"@any_status{i}", anyStatus[i].ToWire());
            if (query.From is { } from) s.With("@from", from);
            if (query.To is { } to) s.With("@to", to);
            if (query.Text is { Length: > 0 } text) s.With("@text", LikePattern(text));
            for (var i = 0; i < query.Search.Count; i++)
                s.With($"@search_name{i}", query.Search[i].Key).With($"@search_value{i}", query.Search[i].Value);
            return s;
        }
        return (Bind(new Statement(d.Sql($"SELECT COUNT(*) FROM {Table} WHERE {where}"))),
            Bind(new Statement(d.Sql($"{Select} WHERE {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset")))
                .With("@limit", query.Limit).With("@offset", query.Offset));
    }

    private static string LikePattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>Each workflow's newest execution that is not a test run: one lookup per workflow on the
    /// (tenant_id, workflow_id, created_at) index, so the cost follows the page of workflows, not their history.</summary>
    public Statement Latest(TenantId tenant, IReadOnlyCollection<Guid> workflowIds) => new Statement(d.Sql(
            $"SELECT workflow_id, id, status, created_at, started_at, completed_at FROM {Table} " +
            $"WHERE tenant_id = @tenant AND id IN (SELECT (SELECT x.id FROM {Table} x WHERE x.tenant_id = w.tenant_id AND x.workflow_id = w.id " +
            $"AND {d.IsFalse("x.is_test")} ORDER BY x.created_at DESC, x.id DESC LIMIT 1) " +
            $"FROM {d.Table("workflows")} w WHERE w.tenant_id = @tenant AND {d.AnyId("w.id", "@ids")})"))
        .With("@tenant", tenant).With("@ids", workflowIds.ToArray());

    public static LatestExecution MapLatest(DbDataReader r) => new(r.Id("workflow_id"), r.Id("id"),
        Enum.Parse<ExecutionStatus>(r.Text("status")!, ignoreCase: true), r.Time("created_at"), r.OptionalTime("started_at"), r.OptionalTime("completed_at"));

    public static Statement Bind(Statement s, ExecutionRecord e) =>
        s.With("@tenant", e.Tenant).With("@id", e.Id).With("@workflow", e.WorkflowId).With("@version", e.WorkflowVersion)
            .With("@status", e.Status.ToWire()).With("@mode", e.Mode.ToString().ToLowerInvariant()).With("@input", e.Input)
            .With("@context", new JsonText(e.Context.ToJsonString(), Exact: true)).With("@state", new JsonText(e.State.ToJson(), Exact: true)).With("@output", e.Output).With("@error", e.Error)
            .With("@current", e.CurrentStep).With("@parent", e.ParentExecutionId).With("@parent_step", e.ParentStepId)
            .With("@test", e.IsTest).With("@total", e.TotalSteps).With("@created", e.CreatedAt).With("@started", e.StartedAt)
            .With("@completed", e.CompletedAt).With("@deadline", e.DeadlineAt).With("@awaits_slot", e.AwaitsWorkflowSlot);

    public static ExecutionRecord Map(DbDataReader r) => new()
    {
        Tenant = new TenantId(r.Text("tenant_id")!),
        Id = r.Id("id"),
        WorkflowId = r.Id("workflow_id"),
        WorkflowVersion = r.Int("workflow_version"),
        Status = Enum.Parse<ExecutionStatus>(r.Text("status")!, ignoreCase: true),
        Mode = Enum.Parse<ExecutionMode>(r.Text("mode")!, ignoreCase: true),
        Input = r.Json("input"),
        Context = r.Json("context")!.AsObject(),
        State = ExecutionState.FromJson(r.Text("state")!),
        Output = r.Json("output"),
        Error = r.Json("error")?.AsObject(),
        CurrentStep = r.Text("current_step"),
        ParentExecutionId = r.OptionalId("parent_id"),
        ParentStepId = r.Text("parent_step"),
        IsTest = r.Bool("is_test"),
        TotalSteps = r.Int("total_steps"),
        CreatedAt = r.Time("created_at"),
        StartedAt = r.OptionalTime("started_at"),
        CompletedAt = r.OptionalTime("completed_at"),
        DeadlineAt = r.OptionalTime("deadline_at"),
        AwaitsWorkflowSlot = r.Bool("awaits_workflow_slot"),
    };
}
