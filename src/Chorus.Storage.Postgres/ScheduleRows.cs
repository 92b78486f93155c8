using Chorus.Engine;
using Chorus.Engine.Storage;
using Npgsql;

namespace Chorus.Storage.Postgres;

/// <summary>Schedules as rows of <c>workflow.triggers</c>, for the store's reads and the engine's transactions.</summary>
internal static class ScheduleRows
{
    public const string Select = $"SELECT * FROM workflow.triggers WHERE kind = '{ScheduleConfig.Kind}'";

    public const string Insert =
        "INSERT INTO workflow.triggers (tenant_id, id, workflow_id, kind, config, enabled, next_due_at, last_fired_at, last_execution_id, created_at, updated_at) " +
        $"VALUES (@tenant, @id, @workflow, '{ScheduleConfig.Kind}', @config, @enabled, @next, @fired, @execution, @created, @updated)";

    public const string Update =
        "UPDATE workflow.triggers SET config = @config, enabled = @enabled, next_due_at = @next, last_fired_at = @fired, " +
        "last_execution_id = @execution, updated_at = @updated WHERE tenant_id = @tenant AND id = @id";

    public static NpgsqlBatchCommand Bind(NpgsqlBatchCommand cmd, ScheduleRecord s) => cmd
        .With("@tenant", s.Tenant).With("@id", s.Id).With("@workflow", s.WorkflowId).With("@config", ScheduleConfig.Of(s))
        .With("@enabled", s.Enabled).With("@next", s.NextDueAt).With("@fired", s.LastFiredAt).With("@execution", s.LastExecutionId)
        .With("@created", s.CreatedAt).With("@updated", s.UpdatedAt);

    public static ScheduleRecord Map(NpgsqlDataReader r)
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
