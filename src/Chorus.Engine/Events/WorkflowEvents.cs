using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Events;

/// <summary>The workflow events with exactly the fields of seed 003.</summary>
public static class WorkflowEvents
{
    public const string Updated = "workflow_updated";

    /// <param name="previousStatus">Null when the workflow was just created.</param>
    /// <param name="updatedBy">Who saved it: the subject of the request's credential; null in an embedded run.</param>
    internal static EventRecord WorkflowUpdated(WorkflowRecord w, string? versionLabel, WorkflowStatus? previousStatus, string? updatedBy) => new()
    {
        Tenant = w.Tenant,
        Type = Updated,
        WorkflowId = w.Id,
        At = w.UpdatedAt,
        Payload = new JsonObject
        {
            ["event"] = Updated,
            ["workflow_id"] = w.Id.ToString(),
            ["name"] = w.Name,
            ["version"] = versionLabel,
            ["previous_status"] = previousStatus?.ToWire(),
            ["status"] = w.Status.ToWire(),
            ["updated_at"] = w.UpdatedAt.ToString("O"),
            ["updated_by"] = updatedBy,
        },
    };

    private static string ToWire(this WorkflowStatus status) => status.ToString().ToLowerInvariant();
}
