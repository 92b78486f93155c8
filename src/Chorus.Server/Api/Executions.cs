using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Api;

/// <summary>Executions: start, list, inspect, and the operations of SPEC §4.</summary>
internal static class Executions
{
    private static readonly TimeSpan AdvanceWait = TimeSpan.FromSeconds(30);

    public static void MapExecutions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/executions");
        // Reading executions is for viewers; starting and operating them for members.
        group.MapPost("/", Start).RequireRole(Role.Member).Bodies("StartRequest", "Execution", StatusCodes.Status202Accepted);
        group.MapGet("/", (HttpContext http, IExecutionReader reader) => ListAsync(http, reader, null)).RequireRole(Role.Viewer).Bodies(response: "ExecutionPage");
        group.MapPost("/bulk", ExecutionBulk.ApplyAsync).RequireRole(Role.Member).Bodies("BulkRequest", "BulkResult");
        group.MapGet("/{id}", Get).RequireRole(Role.Viewer).Bodies(response: "Execution");
        // Deleting history, like deleting a workflow, is for admins.
        group.MapDelete("/{id}", async (HttpContext http, string id, ChorusEngine engine, Files.FileRetention files) =>
        {
            await engine.DeleteExecutionAsync(http.Tenant(), ExecutionId(id), http.RequestAborted);
            // The files its steps wrote go with it now, not at the next retention round.
            await files.DeleteFilesOfDeletedExecutionsAsync(http.RequestAborted);
            return TypedResults.NoContent();
        }).RequireRole(Role.Admin);
        group.MapGet("/{id}/steps", Steps).RequireRole(Role.Viewer).Bodies(response: "StepRuns");
        group.MapGet("/{id}/logs", Logs).RequireRole(Role.Viewer).Bodies(response: "Logs");
        group.MapGet("/{id}/export", ExecutionExport.ExportAsync).RequireRole(Role.Viewer).Bodies(response: "ExecutionExport");
        group.MapExecutionHistory();
        group.MapPost("/{id}/pause", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.PauseAsync)).RequireRole(Role.Member).Bodies(response: "Execution");
        group.MapPost("/{id}/resume", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.ResumeAsync)).RequireRole(Role.Member).Bodies(response: "Execution");
        group.MapPost("/{id}/cancel", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.CancelAsync)).RequireRole(Role.Member).Bodies(response: "Execution");
        group.MapPost("/{id}/retry", Retry).RequireRole(Role.Member).Bodies("RetryRequest", "Execution");
        group.MapPost("/{id}/advance", (HttpContext http, string id, ChorusEngine engine) =>
            Apply(http, id, (tenant, executionId, ct) => engine.AdvanceAsync(tenant, executionId, AdvanceWait, ct))).RequireRole(Role.Member).Bodies(response: "Execution");
        group.MapPost("/{id}/events", SendEvent).RequireRole(Role.Member).Bodies("EventRequest", "Execution", StatusCodes.Status202Accepted);
        group.MapPost("/{id}/input", SubmitInput).RequireRole(Role.Member).Bodies("InputRequest", "Execution", StatusCodes.Status202Accepted);
    }

    internal static Guid ExecutionId(string id) => RequestReading.RouteId(id, ErrorCodes.ExecutionNotFound, "Execution");

    /// <summary>Seed 000's <c>{workflow_id, mode, initial_data}</c>.</summary>
    private static async Task<IResult> Start(HttpContext http, ChorusEngine engine)
    {
        var wait = WaitParameter.Of(http);
        var body = await http.ReadObjectAsync();
        var workflowId = body.OptionalString("workflow_id")
            ?? throw new ChorusException(ErrorCodes.InvalidInput, "'workflow_id' is required.", new JsonObject { ["field"] = "workflow_id" });
        var started = await WorkflowExecutions.StartAsync(http, engine, Workflows.WorkflowId(workflowId), WorkflowExecutions.InputOf(body, WorkflowExecutions.InputNames), body);
        return await WorkflowExecutions.AnswerAsync(http, engine, started, wait);
    }

    internal static async Task<IResult> ListAsync(HttpContext http, IExecutionReader reader, Guid? workflowId)
    {
        var (offset, limit, page, size) = Paging.From(http);
        var search = http.Request.Query.Where(p => p.Key.StartsWith(SearchPrefix, StringComparison.Ordinal))
            .Select(p => KeyValuePair.Create(p.Key[SearchPrefix.Length..], p.Value.ToString()));
        var query = Filter(name => http.Request.Query[name].ToString(), workflowId) with
        {
            Offset = offset, Limit = limit, Search = SearchFilters(search, "search."),
        };
        var result = await reader.ListExecutionsAsync(http.Tenant(), query, http.RequestAborted);
        return TypedResults.Json(Paging.Body(Representations.Array(result.Items, e => Representations.Execution(e, withContext: false)), result.Total, page, size));
    }

    /// <summary>The list's filters, read by name ("" when absent) from the query string or a bulk request's filter:
    /// workflow_id, status, from, to, q (text the input contains) and include_tests.</summary>
    internal static ExecutionQuery Filter(Func<string, string> value, Guid? workflowId = null)
    {
        var text = value("q");
        if (text.Length > ExecutionQuery.MaxTextLength)
            throw new ChorusException(ErrorCodes.InvalidInput, $"'q' has at most {ExecutionQuery.MaxTextLength} characters.", new JsonObject { ["field"] = "q" });
        return new ExecutionQuery
        {
            WorkflowId = workflowId ?? OptionalGuid(value("workflow_id"), "workflow_id"),
            Status = OptionalStatus(value("status")),
            From = OptionalTime(value("from"), "from"),
            To = OptionalTime(value("to"), "to"),
            Text = text.Length == 0 ? null : text,
            IncludeTests = value("include_tests") == "true",
        };
    }

    /// <summary>A list's query string names a search attribute filter <c>search.&lt;name&gt;=&lt;value&gt;</c>.</summary>
    private const string SearchPrefix = "search.";

    /// <summary>Search attribute filters (name and exact value), checked: at most <see cref="ExecutionQuery.MaxSearchFilters"/>,
    /// no value longer than an indexed value can be (it could match nothing). <paramref name="field"/> names them in errors.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> SearchFilters(IEnumerable<KeyValuePair<string, string>> filters, string field)
    {
        var list = filters.ToList();
        if (list.Count > ExecutionQuery.MaxSearchFilters)
            throw new ChorusException(ErrorCodes.InvalidInput, $"A list filters by at most {ExecutionQuery.MaxSearchFilters} search attributes.", new JsonObject { ["field"] = field });
        foreach (var (name, value) in list)
        {
            if (name.Length is 0 or > 40)
                throw new ChorusException(ErrorCodes.InvalidInput, "A search attribute's name has 1 to 40 characters.", new JsonObject { ["field"] = field + name });
            if (value.Length > 200)
                throw new ChorusException(ErrorCodes.InvalidInput, "A search attribute's value has at most 200 characters.", new JsonObject { ["field"] = field + name });
        }
        return list;
    }

    private static async Task<IResult> Get(HttpContext http, string id, IExecutionReader reader)
    {
        var execution = await RequireAsync(http, reader, id);
        var json = Representations.Execution(execution);
        Webhooks.WebhookResumeRoute.AddResumeUrls(http, json, execution);
        return TypedResults.Json(json);
    }

    private static async Task<IResult> Steps(HttpContext http, string id, IExecutionReader reader)
    {
        var execution = await RequireAsync(http, reader, id);
        var runs = await reader.GetStepRunsAsync(execution.Tenant, execution.Id, http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["execution_id"] = execution.Id.ToString(), ["items"] = Representations.Array(runs, Representations.StepRun) });
    }

    private static async Task<IResult> Logs(HttpContext http, string id, IExecutionReader reader)
    {
        var execution = await RequireAsync(http, reader, id);
        var logs = await reader.GetLogsAsync(execution.Tenant, execution.Id, http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["execution_id"] = execution.Id.ToString(), ["items"] = Representations.Array(logs, Representations.Log) });
    }

    /// <summary>By default goes on from the failed step, in the same execution. With <c>{"from": "start"}</c> runs the
    /// ended execution again as a new one (202), on the version it ran or, with <c>"version": "latest"</c>, the current one.</summary>
    private static async Task<IResult> Retry(HttpContext http, string id, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var from = body.OptionalString("from") ?? "failed_step";
        var version = body.OptionalString("version") ?? "same";
        if (from is not ("failed_step" or "start"))
            throw new ChorusException(ErrorCodes.InvalidInput, "'from' is \"failed_step\" (the default) or \"start\".", new JsonObject { ["field"] = "from" });
        if (version is not ("same" or "latest"))
            throw new ChorusException(ErrorCodes.InvalidInput, "'version' is \"same\" (the default) or \"latest\".", new JsonObject { ["field"] = "version" });
        if (body["mapping"] is not null && (from, version) != ("failed_step", "latest"))
            throw new ChorusException(ErrorCodes.InvalidInput, "'mapping' goes with \"version\": \"latest\" from the failed step.", new JsonObject { ["field"] = "mapping" });
        if (from == "failed_step")
        {
            // On the latest version the execution first moves there by a migration's rules (see WorkflowMigrations).
            if (version == "latest")
            {
                var mapping = WorkflowMigrations.Mapping(body["mapping"]);
                return await Apply(http, id, (tenant, executionId, ct) => engine.RetryOnLatestAsync(tenant, executionId, mapping, ct));
            }
            return await Apply(http, id, engine.RetryAsync);
        }
        // From the start is a new execution: it counts toward the tier's daily executions as a start does.
        await http.RequestServices.GetRequiredService<TierChecks>().ExecutionStartAsync(http.Tenant(), http.RequestAborted);
        var rerun = await engine.RerunAsync(http.Tenant(), ExecutionId(id), latestVersion: version == "latest", http.RequestAborted);
        var json = Representations.Execution(rerun, withContext: false);
        json["retry_of"] = ExecutionId(id).ToString();
        return TypedResults.Json(json, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SendEvent(HttpContext http, string id, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync();
        var name = body.OptionalString("name") ?? body.OptionalString("event");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            throw new ChorusException(ErrorCodes.InvalidInput, "'name' (the event name, 1-200 characters) is required.", new JsonObject { ["field"] = "name" });
        var execution = await engine.SendEventAsync(http.Tenant(), ExecutionId(id), name, body["data"]?.DeepClone(), http.RequestAborted);
        return TypedResults.Json(Representations.Execution(execution), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SubmitInput(HttpContext http, string id, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync();
        var execution = await engine.SubmitInputAsync(http.Tenant(), ExecutionId(id), body.OptionalString("step_id"),
            (body["data"] ?? body["input"])?.DeepClone(), http.RequestAborted);
        return TypedResults.Json(Representations.Execution(execution), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> Apply(HttpContext http, string id, Func<TenantId, Guid, CancellationToken, Task<ExecutionRecord>> operation)
    {
        var execution = await operation(http.Tenant(), ExecutionId(id), http.RequestAborted);
        return TypedResults.Json(Representations.Execution(execution));
    }

    internal static async Task<ExecutionRecord> RequireAsync(HttpContext http, IExecutionReader reader, string id) =>
        await reader.GetExecutionAsync(http.Tenant(), ExecutionId(id), http.RequestAborted)
        ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");

    internal static Guid? OptionalGuid(HttpContext http, string name) => OptionalGuid(http.Request.Query[name].ToString(), name);

    private static Guid? OptionalGuid(string text, string name)
    {
        if (text.Length == 0)
            return null;
        return Guid.TryParse(text, out var id) ? id
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' must be a UUID.", new JsonObject { ["field"] = name });
    }

    internal static ExecutionStatus? OptionalStatus(HttpContext http) => OptionalStatus(http.Request.Query["status"].ToString());

    private static ExecutionStatus? OptionalStatus(string text)
    {
        if (text.Length == 0)
            return null;
        return ExecutionStatusExtensions.TryParseWire(text, out var status) ? status
            : throw new ChorusException(ErrorCodes.InvalidInput,
                "'status' must be one of created, pending, running, waiting, paused, completed, failed, cancelled.", new JsonObject { ["field"] = "status" });
    }

    private static DateTimeOffset? OptionalTime(string text, string name)
    {
        if (text.Length == 0)
            return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
            : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' must be an ISO-8601 time.", new JsonObject { ["field"] = name });
    }
}
