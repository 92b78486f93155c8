using Chorus.Engine;
using Chorus.Engine.Storage;
using Microsoft.Data.Sqlite;

namespace Chorus.Storage.Sqlite;

/// <summary>Schedules as rows of the triggers table, for the store's reads and the engine's transactions.</summary>
internal static class ScheduleRows
{
    public const string Select = $"SELECT * FROM triggers WHERE kind = '{ScheduleConfig.Kind}'";

    public const string Insert =
        "INSERT INTO triggers (tenant_id, id, workflow_id, kind, config, enabled, next_due_at, last_fired_at, last_execution_id, created_at, updated_at) " +
        $"VALUES ($tenant, $id, $workflow, '{ScheduleConfig.Kind}', $config, $enabled, $next, $fired, $execution, $created, $updated)";

    public const string Update =
        "UPDATE triggers SET config = $config, enabled = $enabled, next_due_at = $next, last_fired_at = $fired, " +
        "last_execution_id = $execution, updated_at = $updated WHERE tenant_id = $tenant AND id = $id";

    public static SqliteCommand Bind(SqliteCommand cmd, ScheduleRecord s) => cmd
        .With("$tenant", s.Tenant).With("$id", s.Id).With("$workflow", s.WorkflowId).With("$config", ScheduleConfig.Of(s))
        .With("$enabled", s.Enabled).With("$next", s.NextDueAt).With("$fired", s.LastFiredAt).With("$execution", s.LastExecutionId)
        .With("$created", s.CreatedAt).With("$updated", s.UpdatedAt);

    public static ScheduleRecord Map(SqliteDataReader r)
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
            Enabled = r.Long("enabled") != 0,
            NextDueAt = r.OptionalTime("next_due_at"),
            LastFiredAt = r.OptionalTime("last_fired_at"),
            LastExecutionId = r.OptionalId("last_execution_id"),
            CreatedAt = r.Time("created_at"),
            UpdatedAt = r.Time("updated_at"),
        };
    }

    public static async Task<List<ScheduleRecord>> ReadAllAsync(SqliteCommand cmd, CancellationToken ct = default)
    {
        var items = new List<ScheduleRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            items.Add(Map(r));
        return items;
    }
}
