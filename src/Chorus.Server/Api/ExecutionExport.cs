using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Server.Api;

/// <summary><c>GET /api/executions/{id}/export</c>: everything known about one execution in one JSON file, for a
/// support case or a bug report: the execution with its context, the version of the workflow it ran, every step run
/// (each attempt), the logs and the events, as the other routes show them.</summary>
internal static class ExecutionExport
{
    public const int FormatVersion = 1;

    public static async Task<IResult> ExportAsync(HttpContext http, string id, IChorusStore store, TimeProvider time)
    {
        var execution = await Executions.RequireAsync(http, store, id);
        var ct = http.RequestAborted;
        var version = await store.GetVersionAsync(execution.Tenant, execution.WorkflowId, execution.WorkflowVersion, ct);
        var runs = await store.GetStepRunsAsync(execution.Tenant, execution.Id, ct);
        var logs = await store.GetLogsAsync(execution.Tenant, execution.Id, ct);
        var events = await store.GetEventsAsync(execution.Tenant, execution.Id, ct);
        var export = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["exported_at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["execution"] = Representations.Execution(execution),
            // The workflow (or this version) may have been deleted since: the export still has the rest.
            ["workflow_version"] = version is null ? null : Representations.Version(version, withDefinition: true),
            ["steps"] = Representations.Array(runs, Representations.StepRun),
            ["logs"] = Representations.Array(logs, Representations.Log),
            ["events"] = Representations.Array(events, e => e.Payload.DeepClone().AsObject()),
        };
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"execution-{execution.Id}.json\"";
        return TypedResults.Json(export);
    }
}
