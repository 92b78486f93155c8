using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Events;

/// <summary>The execution events with exactly the fields of seed 003.</summary>
internal static class ExecutionEvents
{
    public const string Update = "workflow_execution_update";
    public const string StepCompleted = "workflow_step_completed";
    public const string Error = "workflow_execution_error";
    public const string Completed = "workflow_execution_completed";
    public const string Migrated = "execution.migrated";

    public static EventRecord ExecutionUpdate(ExecutionRecord e, DateTimeOffset now, string? stepName, string message) =>
        Create(Update, e, now, new JsonObject
        {
            ["status"] = e.Status.ToWire(),
            ["current_step"] = e.CurrentStep,
            ["progress"] = Progress.Fraction(e),
            // The one form of progress every answer and event carries (the REST answer's "progress" is an object).
            ["progress_fraction"] = Progress.Fraction(e),
            ["details"] = new JsonObject
            {
                ["step_name"] = stepName,
                ["started_at"] = e.StartedAt?.ToString("O"),
                ["message"] = message,
            },
        });

    public static EventRecord StepDone(ExecutionRecord e, DateTimeOffset now, string stepId, string stepName, JsonNode? output, long durationMs, string? nextStep) =>
        Create(StepCompleted, e, now, new JsonObject
        {
            ["step_id"] = stepId,
            ["step_name"] = stepName,
            ["output"] = output?.DeepClone(),
            ["duration_ms"] = durationMs,
            ["next_step"] = nextStep,
        });

    public static EventRecord ExecutionError(ExecutionRecord e, DateTimeOffset now, JsonObject error) =>
        Create(Error, e, now, new JsonObject { ["error"] = error.DeepClone() });

    public static EventRecord ExecutionFinished(ExecutionRecord e, DateTimeOffset now) =>
        Create(Completed, e, now, new JsonObject
        {
            ["status"] = e.Status.ToWire(),
            ["started_at"] = e.StartedAt?.ToString("O"),
            ["completed_at"] = e.CompletedAt?.ToString("O"),
            ["duration_ms"] = e.StartedAt is { } s && e.CompletedAt is { } c ? (long)(c - s).TotalMilliseconds : null,
            ["output"] = e.Output?.DeepClone(),
        });

    /// <summary>The execution moved onto another version of its workflow (or back, by a rollback).</summary>
    public static EventRecord ExecutionMigrated(ExecutionRecord e, DateTimeOffset now, Guid? migrationId, int from, IReadOnlyList<(string From, string To)> mapping, bool rollback) =>
        Create(Migrated, e, now, new JsonObject
        {
            ["migration_id"] = migrationId?.ToString(),
            ["from_version"] = from,
            ["to_version"] = e.WorkflowVersion,
            ["rollback"] = rollback,
            ["mapping"] = new JsonArray(mapping.Select(m => (JsonNode?)new JsonObject { ["from_step"] = m.From, ["to_step"] = m.To }).ToArray()),
        });

    private static EventRecord Create(string type, ExecutionRecord e, DateTimeOffset now, JsonObject fields)
    {
        var payload = new JsonObject
        {
            ["event"] = type,
            ["execution_id"] = e.Id.ToString(),
            ["workflow_id"] = e.WorkflowId.ToString(),
        };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            payload[key] = value;
        }
        payload["timestamp"] = now.ToString("O");
        return new EventRecord { Tenant = e.Tenant, Type = type, ExecutionId = e.Id, WorkflowId = e.WorkflowId, Payload = payload, At = now };
    }
}

/// <summary>Progress in the two shapes the seeds use.</summary>
public static class Progress
{
    public static double Fraction(ExecutionRecord e) =>
        e.Status == ExecutionStatus.Completed ? 1.0
        : e.TotalSteps == 0 ? 0.0
        : Math.Round(Math.Min(1.0, (double)CountedFinished(e) / e.TotalSteps), 4);

    /// <summary>Seed 001's <c>{totalNodes, completedNodes, percentage}</c>.</summary>
    public static JsonObject Nodes(ExecutionRecord e)
    {
        var completed = e.Status == ExecutionStatus.Completed ? e.TotalSteps : Math.Min(CountedFinished(e), e.TotalSteps);
        return new JsonObject
        {
            ["totalNodes"] = e.TotalSteps,
            ["completedNodes"] = completed,
            ["percentage"] = e.TotalSteps == 0 ? 0 : (int)Math.Round(100.0 * completed / e.TotalSteps),
        };
    }

    private static int CountedFinished(ExecutionRecord e) => e.State.FinishedCount;
}
