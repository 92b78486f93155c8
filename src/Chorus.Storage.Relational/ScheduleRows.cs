using System.Data.Common;
using Chorus.Engine;
using Chorus.Engine.Storage;

namespace Chorus.Storage.Relational;

/// <summary>Schedules as rows of the triggers table, for the store's reads and the engine's transactions.</summary>
internal sealed class ScheduleRows(SqlDialect d)
{
    public string Insert { get; } = d.Sql($"INSERT INTO {d.Table("triggers")} (tenant_id, id, workflow_id, kind, config, enabled, next_due_at, " +
        $"last_fired_at, last_execution_id, created_at, updated_at) VALUES (@tenant, @id, @workflow, '{ScheduleConfig.Kind}', @config, @enabled, " +
        "@next, @fired, @execution, @created, @updated)");

    public string Update { get; } = d.Sql($"UPDATE {d.Table("triggers")} SET config = @config, enabled = @enabled, next_due_at = @next, " +
        "last_fired_at = @fired, last_execution_id = @execution, updated_at = @updated WHERE tenant_id = @tenant AND id = @id");

    private readonly string _byId = Selected(d, "id = @id");
    private readonly string _byIdForUpdate = Selected(d, $"id = @id{d.ForUpdate}");
    private readonly string _ofWorkflow = Selected(d, "workflow_id = @workflow ORDER BY created_at, id");

    private static string Selected(SqlDialect d, string condition) =>
        d.Sql($"SELECT * FROM {d.Table("triggers")} WHERE kind = '{ScheduleConfig.Kind}' AND tenant_id = @tenant AND {condition}");

    /// <summary>The schedule; for change, locked where the dialect locks rows: a change and a firing of one
    /// schedule, on any nodes, take turns.</summary>
    public Statement ById(TenantId tenant, Guid id, bool forUpdate = false) =>
        new Statement(forUpdate ? _byIdForUpdate : _byId).With("@tenant", tenant).With("@id", id);

    public Statement OfWorkflow(TenantId tenant, Guid workflowId) => new Statement(_ofWorkflow).With("@tenant", tenant).With("@workflow", workflowId);

    private readonly string _delete = d.Sql($"DELETE FROM {d.Table("triggers")} WHERE tenant_id = @tenant AND id = @id");

    public Statement Delete(TenantId tenant, Guid id) => new Statement(_delete).With("@tenant", tenant).With("@id", id);

    public static Statement Bind(Statement s, ScheduleRecord r) => s
        .With("@tenant", r.Tenant).With("@id", r.Id).With("@workflow", r.WorkflowId).With("@config", ScheduleConfig.Of(r))
        .With("@enabled", r.Enabled).With("@next", r.NextDueAt).With("@fired", r.LastFiredAt).With("@execution", r.LastExecutionId)
        .With("@created", r.CreatedAt).With("@updated", r.UpdatedAt);

    public static ScheduleRecord Map(DbDataReader r)
    {
        var (cron, zone, input) = ScheduleConfig.Read(r.Json("config"));
        return new ScheduleRecord
        {
            Tenant = new TenantId(r.Text("tenant_id")!),
            Id = r.Id("id"),
            WorkflowId = r.Id("workflow_id"),
            Cron = cron,
            TimeZone = zone,
            Input = input,
            Enabled = r.Bool("enabled"),
            NextDueAt = r.OptionalTime("next_due_at"),
            LastFiredAt = r.OptionalTime("last_fired_at"),
            LastExecutionId = r.OptionalId("last_execution_id"),
            CreatedAt = r.Time("created_at"),
            UpdatedAt = r.Time("updated_at"),
        };
    }
}
