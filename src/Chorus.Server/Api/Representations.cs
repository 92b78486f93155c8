using System.Text.Json.Nodes;
using Chorus.Engine.Events;
using Chorus.Engine.Storage;

namespace Chorus.Server.Api;

/// <summary>How records look on the wire: snake_case JSON, ISO-8601 UTC times.</summary>
internal static class Representations
{
    public static string? Iso(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Workflow(WorkflowRecord w, WorkflowVersionRecord? version = null)
    {
        var json = version is null ? new JsonObject() : (JsonObject)version.Definition.DeepClone();
        json["id"] = w.Id.ToString();
        json["name"] = w.Name;
        json["description"] = w.Description;
        json["status"] = w.Status.ToString().ToLowerInvariant();
        json["current_version"] = w.CurrentVersion;
        if (version is not null)
            json["version"] = version.Label;
        json["created_at"] = Iso(w.CreatedAt);
        json["updated_at"] = Iso(w.UpdatedAt);
        return json;
    }

    public static JsonObject LatestExecution(LatestExecution e) => new()
    {
        ["id"] = e.Id.ToString(),
        ["status"] = e.Status.ToWire(),
        ["created_at"] = Iso(e.CreatedAt),
        ["started_at"] = Iso(e.StartedAt),
        ["completed_at"] = Iso(e.CompletedAt),
    };

    public static JsonObject Version(WorkflowVersionRecord v, bool withDefinition) => new()
    {
        ["workflow_id"] = v.WorkflowId.ToString(),
        ["number"] = v.Number,
        ["label"] = v.Label,
        ["hash"] = v.Hash,
        ["created_at"] = Iso(v.CreatedAt),
        ["updated_by"] = v.CreatedBy,
        ["definition"] = withDefinition ? v.Definition.DeepClone() : null,
    };

    public static JsonObject Execution(ExecutionRecord e, bool withContext = true)
    {
        var json = new JsonObject
        {
            ["id"] = e.Id.ToString(),
            ["execution_id"] = e.Id.ToString(),
            ["workflow_id"] = e.WorkflowId.ToString(),
            ["workflow_version"] = e.WorkflowVersion,
            ["status"] = e.Status.ToWire(),
            ["mode"] = e.Mode.ToString().ToLowerInvariant(),
            ["current_step"] = e.CurrentStep,
            ["progress"] = Progress.Nodes(e),
            ["progress_fraction"] = Progress.Fraction(e),
            ["input"] = e.Input?.DeepClone(),
            ["output"] = e.Output?.DeepClone(),
            ["error"] = e.Error?.DeepClone(),
            ["parent_execution_id"] = e.ParentExecutionId?.ToString(),
            ["is_test"] = e.IsTest,
            ["created_at"] = Iso(e.CreatedAt),
            ["started_at"] = Iso(e.StartedAt),
            ["completed_at"] = Iso(e.CompletedAt),
            ["duration_ms"] = e.StartedAt is { } s && e.CompletedAt is { } c ? (long)(c - s).TotalMilliseconds : null,
            ["deadline_at"] = Iso(e.DeadlineAt),
            ["trace_id"] = Chorus.Engine.Telemetry.EngineTracing.TraceIdOf(e.State.TraceParent),
            ["search_attributes"] = e.State.SearchAttributes is { } attributes
                ? new JsonObject(attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)))
                : null,
        };
        if (withContext)
        {
            json["variables"] = e.Context["variables"]?.DeepClone();
            json["waiting_for"] = WaitingFor(e);
        }
        return json;
    }

    /// <summary>What a waiting execution needs from outside: events, inputs, timers or children.</summary>
    private static JsonArray WaitingFor(ExecutionRecord e) => new(e.State.Steps
        .Where(p => p.Value.Status == StepStatus.Waiting)
        .Select(p => (JsonNode?)new JsonObject
        {
            ["step_id"] = p.Key,
            ["kind"] = p.Value.SignalKind ?? (p.Value.Child is not null ? "child" : "timer"),
            ["name"] = p.Value.WaitingFor,
            ["child_execution_id"] = p.Value.Child?.ToString(),
        }).ToArray());

    public static JsonObject StepRun(StepRunRecord r) => new()
    {
        ["step_id"] = r.StepId,
        ["step_name"] = r.StepName,
        ["type"] = r.StepType,
        ["attempt"] = r.Attempt,
        ["status"] = r.Status,
        ["input"] = r.Input?.DeepClone(),
        ["output"] = r.Output?.DeepClone(),
        ["error"] = r.Error?.DeepClone(),
        ["started_at"] = Iso(r.StartedAt),
        ["finished_at"] = Iso(r.FinishedAt),
        ["duration_ms"] = r.DurationMs,
        ["idempotency_key"] = $"{r.ExecutionId}:{r.StepId}:{r.Attempt}",
    };

    public static JsonObject Log(LogRecord l) => new()
    {
        ["timestamp"] = Iso(l.At),
        ["level"] = l.Level,
        ["step_id"] = l.StepId,
        ["message"] = l.Message,
        ["data"] = l.Data?.DeepClone(),
    };

    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonObject> map) => new(items.Select(i => (JsonNode?)map(i)).ToArray());
}
