using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Events;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;
using Microsoft.Net.Http.Headers;

namespace Chorus.Server.Compat;

/// <summary>The background-execution API: a front end that starts a workflow with <c>{"inputs"}</c>, gets an
/// <c>executionId</c> back at once, and polls <c>/api/workflow/execution/{id}</c> for status, current node, progress
/// and logs; plus the worker service's own <c>POST /api/workflows/execute</c> and health routes. Starting goes
/// through <see cref="WorkflowExecutions.StartAsync"/>, reading through <see cref="Executions.RequireAsync"/>, so
/// keys, tiers, roles and errors are the canonical routes'.</summary>
internal static class PrefectRoutes
{
    public static void MapPrefectRoutes(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/workflow/{id}/execute", ExecuteById).RequireRole(Role.Member);
        app.MapGet("/api/workflow/execution/{id}", Status).RequireRole(Role.Viewer);
        app.MapPost("/api/workflows/execute", Execute).RequireRole(Role.Member);
        // Health checks carry no credential, like /health.
        app.MapGet("/api/prefect/health", () => TypedResults.Json(PrefectHealth())).AllowWithoutCredential();
        app.MapGet("/", Root).AllowWithoutCredential();
    }

    /// <summary>The names the worker service took the input and the workflow under.</summary>
    private static readonly string[] InputNames = ["inputs", "input"];
    private static readonly string[] WorkflowIdNames = ["workflowId", "workflow_id"];

    private static async Task<IResult> ExecuteById(HttpContext http, string id, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync(allowEmpty: true);
        return await StartAsync(http, engine, Workflows.WorkflowId(id), body);
    }

    /// <summary><c>{"workflowId" | "workflow_id", "inputs" | "input"}</c>.</summary>
    private static async Task<IResult> Execute(HttpContext http, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync();
        var workflowId = OneOf(body, WorkflowIdNames)
            ?? throw new ChorusException(ErrorCodes.InvalidInput, "'workflowId' (or 'workflow_id') is required.", new JsonObject { ["field"] = "workflowId" });
        return await StartAsync(http, engine, Workflows.WorkflowId(workflowId), body);
    }

    private static async Task<IResult> StartAsync(HttpContext http, ChorusEngine engine, Guid workflowId, JsonObject body)
    {
        var started = await WorkflowExecutions.StartAsync(http, engine, workflowId, WorkflowExecutions.InputOf(body, InputNames), body, kind: "prefect-execute");
        var e = started.Execution;
        return WorkflowExecutions.Answer(started, new JsonObject
        {
            ["success"] = true,
            ["executionId"] = e.Id.ToString(),
            ["execution_id"] = e.Id.ToString(),
            ["workflowId"] = e.WorkflowId.ToString(),
            ["status"] = e.Status.ToWire(),
            ["message"] = "Workflow execution started in the background",
        });
    }

    /// <summary>What the polling client reads: status, the current node, progress and the logs.</summary>
    private static async Task<IResult> Status(HttpContext http, string id, IExecutionReader reader)
    {
        var e = await Executions.RequireAsync(http, reader, id);
        var logs = await reader.GetLogsAsync(e.Tenant, e.Id, http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["executionId"] = e.Id.ToString(),
            ["workflowId"] = e.WorkflowId.ToString(),
            ["status"] = e.Status.ToWire(),
            ["currentNode"] = e.CurrentStep,
            ["progress"] = Progress.Nodes(e),
            ["inputs"] = e.Input?.DeepClone(),
            ["result"] = e.Output?.DeepClone(),
            ["error"] = e.Error?["message"]?.DeepClone(),
            ["errorCode"] = e.Error?["code"]?.DeepClone(),
            ["startedAt"] = Representations.Iso(e.StartedAt),
            ["completedAt"] = Representations.Iso(e.CompletedAt),
            ["logs"] = new JsonArray(logs.Select(l => (JsonNode?)new JsonObject
            {
                ["timestamp"] = Representations.Iso(l.At),
                ["level"] = l.Level,
                ["nodeId"] = l.StepId,
                ["message"] = l.Message,
                ["data"] = l.Data?.DeepClone(),
            }).ToArray()),
        });
    }

    private static JsonObject PrefectHealth()
    {
        // Executions run in this process, so the "background service" is available whenever the server answers.
        var json = Health.Liveness();
        json["available"] = true;
        return json;
    }

    /// <summary><c>GET /</c>: the health answer for API clients; a browser (its Accept prefers HTML) gets the web UI.
    /// Vary tells caches that the answer depends on Accept.</summary>
    private static IResult Root(HttpContext http)
    {
        http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        return PrefersHtml(http.Request) ? Chorus.Server.WebUi.WebUi.Index(http) : TypedResults.Json(Health.Liveness());
    }

    /// <summary>True when the Accept header rates text/html above JSON: a browser sends text/html first and
    /// <c>*/*</c> at a lower quality; curl and API clients send <c>*/*</c> or application/json (or nothing).</summary>
    internal static bool PrefersHtml(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
            return false;
        double html = 0, json = 0;
        foreach (var media in accepted)
        {
            var quality = media.Quality ?? 1.0;
            var type = media.MediaType.Value ?? "";
            if (type.Equals("text/html", StringComparison.OrdinalIgnoreCase))
                html = Math.Max(html, quality);
            else if (type is "*/*" or "application/*" || type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                json = Math.Max(json, quality);
        }
        return html > json;
    }

    /// <summary>The string under whichever of <paramref name="names"/> the body uses; two different ones are refused.</summary>
    private static string? OneOf(JsonObject body, IReadOnlyList<string> names)
    {
        string? found = null;
        foreach (var name in names)
        {
            if (body.OptionalString(name) is not { } value)
                continue;
            if (found is not null && found != value)
                throw new ChorusException(ErrorCodes.InvalidInput, $"'{names[0]}' and '{names[1]}' name different workflows; send one.",
                    new JsonObject { ["fields"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()) });
            found = value;
        }
        return found;
    }
}
