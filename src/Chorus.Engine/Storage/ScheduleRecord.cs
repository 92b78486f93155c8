using System.Text.Json.Nodes;

namespace Chorus.Engine.Storage;

/// <summary>A cron schedule that starts executions of a workflow (a trigger of kind "schedule").</summary>
public sealed record ScheduleRecord
{
    public required TenantId Tenant { get; init; }
    public required Guid Id { get; init; }
    public required Guid WorkflowId { get; init; }
    /// <summary>Five fields (minute precision) or six (seconds first).</summary>
    public required string Cron { get; init; }
    /// <summary>IANA name of the zone the cron expression is read in.</summary>
    public required string TimeZone { get; init; }
    /// <summary>The input of every execution it starts.</summary>
    public JsonNode? Input { get; init; }
    public required bool Enabled { get; init; }
    /// <summary>When it fires next; null while disabled.</summary>
    public DateTimeOffset? NextDueAt { get; init; }
    public DateTimeOffset? LastFiredAt { get; init; }
    public Guid? LastExecutionId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
