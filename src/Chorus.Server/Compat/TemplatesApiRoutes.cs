using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Compat;

/// <summary>The templates and instances API: a template is a Chorus workflow, an instance an execution of it. A
/// template reads as <c>{id, name, description, version, status, definition: {steps, …}, created_at, updated_at}</c>
/// and is written either that way or with the definition's fields at the top level. An instance is created
/// <c>pending</c> and runs only after <c>PUT …/start</c> (<see cref="ChorusEngine.CreateExecutionAsync"/>: stored,
/// so it survives a restart, and holding no slot until started). Saving and starting go through the canonical
/// handlers' implementations, so validation, versions, tiers, keys, roles and errors are theirs.</summary>
internal static class TemplatesApiRoutes
{
    public static void MapTemplatesApiRoutes(this IEndpointRouteBuilder app)
    {
        // The roles of the canonical routes: templates are read by viewers and changed by admins; instances are
        // read by viewers and created and operated by members.
        var templates = app.MapGroup("/api/v1/templates");
        templates.MapGet("/", ListTemplates).RequireRole(Role.Viewer);
        templates.MapPost("/", CreateTemplate).RequireRole(Role.Admin);
        templates.MapGet("/{id}", GetTemplate).RequireRole(Role.Viewer);
        templates.MapPut("/{id}", UpdateTemplate).RequireRole(Role.Admin);
        templates.MapDelete("/{id}", Workflows.Delete).RequireRole(Role.Admin);

        var instances = app.MapGroup("/api/v1/instances");
        instances.MapGet("/", ListInstances).RequireRole(Role.Viewer);
        instances.MapPost("/", CreateInstance).RequireRole(Role.Member);
        instances.MapGet("/{id}", GetInstance).RequireRole(Role.Viewer);
        instances.MapGet("/{id}/steps", InstanceSteps).RequireRole(Role.Viewer);
        instances.MapPut("/{id}/start", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.StartCreatedAsync)).RequireRole(Role.Member);
        instances.MapPut("/{id}/pause", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.PauseAsync)).RequireRole(Role.Member);
        instances.MapPut("/{id}/resume", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.ResumeAsync)).RequireRole(Role.Member);
        instances.MapPut("/{id}/cancel", (HttpContext http, string id, ChorusEngine engine) => Apply(http, id, engine.CancelAsync)).RequireRole(Role.Member);
    }

    /// <summary>A template's own fields; everything else of the definition is under <c>definition</c>.</summary>
    private static readonly string[] TemplateFields = ["name", "description", "version", "status"];

    /// <summary>What a template answer adds, which a template sent back with PUT may carry and which is ignored.</summary>
    private static readonly string[] ReadOnlyTemplateFields = ["id", "current_version", "created_at", "updated_at", "definition"];

    /// <summary>The names an instance's input is sent under: its templates read it as <c>{{variables.…}}</c>.</summary>
    private static readonly string[] InputNames = ["variables", "input"];

    private static async Task<IResult> ListTemplates(HttpContext http, IWorkflowStore store)
    {
        var (offset, limit, page, size) = Paging.From(http);
        var result = await store.ListWorkflowsAsync(http.Tenant(), offset, limit, http.RequestAborted);
        var items = new JsonArray();
        foreach (var workflow in result.Items)
            items.Add(Template(workflow, await store.GetVersionAsync(workflow.Tenant, workflow.Id, workflow.CurrentVersion, http.RequestAborted)));
        return TypedResults.Json(Paging.Body(items, result.Total, page, size));
    }

    private static async Task<IResult> CreateTemplate(HttpContext http, WorkflowService service, TierChecks tiers)
    {
        var (workflow, version) = await Workflows.CreateAsync(http, service, tiers, Definition(await http.ReadObjectAsync(nulChecked: true)));
        return TypedResults.Json(Template(workflow, version), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetTemplate(HttpContext http, string id, WorkflowService service, IWorkflowStore store)
    {
        var (workflow, version) = await Workflows.CurrentAsync(http, service, store, Workflows.WorkflowId(id));
        return TypedResults.Json(Template(workflow, version));
    }

    private static async Task<IResult> UpdateTemplate(HttpContext http, string id, WorkflowService service, TierChecks tiers)
    {
        var body = Definition(await http.ReadObjectAsync(nulChecked: true));
        var (workflow, version, _) = await Workflows.SaveAsync(http, service, tiers, Workflows.WorkflowId(id), body);
        return TypedResults.Json(Template(workflow, version));
    }

    /// <summary>The Chorus definition a template body stands for: its own fields, and the definition's either under
    /// <c>definition</c> or at the top level (both, with different values, is refused).</summary>
    private static JsonObject Definition(JsonObject body)
    {
        var definition = new JsonObject();
        foreach (var (name, value) in body)
        {
            if (!ReadOnlyTemplateFields.Contains(name))
                definition[name] = value?.DeepClone();
        }
        switch (body["definition"])
        {
            case null:
                break;
            case JsonObject inner:
                foreach (var (name, value) in inner)
                {
                    if (definition[name] is { } top && !JsonNode.DeepEquals(top, value))
                        throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' is given both at the top level and in 'definition', with different values.",
                            new JsonObject { ["field"] = $"definition.{name}" });
                    definition[name] = value?.DeepClone();
                }
                break;
            default:
                throw new ChorusException(ErrorCodes.InvalidInput, "'definition' must be a JSON object such as {\"steps\": [...]}.", new JsonObject { ["field"] = "definition" });
        }
        return definition;
    }

    private static JsonObject Template(WorkflowRecord w, WorkflowVersionRecord? version)
    {
        var definition = version is null ? new JsonObject() : (JsonObject)version.Definition.DeepClone();
        foreach (var name in TemplateFields.Concat(ReadOnlyTemplateFields))
            definition.Remove(name);
        return new JsonObject
        {
            ["id"] = w.Id.ToString(),
            ["name"] = w.Name,
            ["description"] = w.Description,
            ["version"] = version?.Label,
            ["current_version"] = w.CurrentVersion,
            ["status"] = w.Status.ToString().ToLowerInvariant(),
            ["definition"] = definition,
            ["created_at"] = Representations.Iso(w.CreatedAt),
            ["updated_at"] = Representations.Iso(w.UpdatedAt),
        };
    }

    /// <summary><c>{template_id, variables | input, mode}</c> → an instance that waits, pending, for its start.</summary>
    private static async Task<IResult> CreateInstance(HttpContext http, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync();
        var templateId = body.OptionalString("template_id")
            ?? throw new ChorusException(ErrorCodes.InvalidInput, "'template_id' is required.", new JsonObject { ["field"] = "template_id" });
        var started = await WorkflowExecutions.StartAsync(http, engine, Workflows.WorkflowId(templateId), WorkflowExecutions.InputOf(body, InputNames), body,
            kind: "create-instance", deferred: true);
        http.Response.Headers.Location = $"/api/v1/instances/{started.Execution.Id}";
        return WorkflowExecutions.Answer(started, Instance(started.Execution), StatusCodes.Status201Created);
    }

    /// <summary>Filters: <c>template_id</c>, <c>status</c> (as this API names them: <c>pending</c> is an instance
    /// not started yet); paged like every list.</summary>
    private static async Task<IResult> ListInstances(HttpContext http, IExecutionReader reader)
    {
        var (offset, limit, page, size) = Paging.From(http);
        var query = new ExecutionQuery
        {
            WorkflowId = Executions.OptionalGuid(http, "template_id"),
            AnyStatus = StatusFilter(http),
            Offset = offset,
            Limit = limit,
        };
        var result = await reader.ListExecutionsAsync(http.Tenant(), query, http.RequestAborted);
        return TypedResults.Json(Paging.Body(Representations.Array(result.Items, Instance), result.Total, page, size));
    }

    private static async Task<IResult> GetInstance(HttpContext http, string id, IExecutionReader reader) =>
        TypedResults.Json(Instance(await Executions.RequireAsync(http, reader, id)));

    /// <summary>The instance's step executions, one per attempt.</summary>
    private static async Task<IResult> InstanceSteps(HttpContext http, string id, IExecutionReader reader)
    {
        var e = await Executions.RequireAsync(http, reader, id);
        var runs = await reader.GetStepRunsAsync(e.Tenant, e.Id, http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["instance_id"] = e.Id.ToString(),
            ["steps"] = Representations.Array(runs, r => new JsonObject
            {
                ["id"] = $"{r.ExecutionId}:{r.StepId}:{r.Attempt}",
                ["instance_id"] = r.ExecutionId.ToString(),
                ["step_id"] = r.StepId,
                ["name"] = r.StepName,
                ["type"] = r.StepType,
                ["status"] = r.Status,
                ["input"] = r.Input?.DeepClone(),
                ["output"] = r.Output?.DeepClone(),
                ["error"] = r.Error?.DeepClone(),
                ["retry_count"] = r.Attempt - 1,
                ["started_at"] = Representations.Iso(r.StartedAt),
                ["completed_at"] = Representations.Iso(r.FinishedAt),
                ["duration_ms"] = r.DurationMs,
            }),
        });
    }

    private static async Task<IResult> Apply(HttpContext http, string id, Func<TenantId, Guid, CancellationToken, Task<ExecutionRecord>> operation) =>
        TypedResults.Json(Instance(await operation(http.Tenant(), Executions.ExecutionId(id), http.RequestAborted)));

    private static JsonObject Instance(ExecutionRecord e) => new()
    {
        ["id"] = e.Id.ToString(),
        ["template_id"] = e.WorkflowId.ToString(),
        ["template_version"] = e.WorkflowVersion,
        ["status"] = StatusName(e.Status),
        ["current_step"] = e.CurrentStep,
        ["variables"] = e.Context["variables"]?.DeepClone(),
        ["input"] = e.Input?.DeepClone(),
        ["output"] = e.Output?.DeepClone(),
        ["error"] = e.Error?.DeepClone(),
        ["progress"] = Progress.Fraction(e),
        ["started_at"] = Representations.Iso(e.StartedAt),
        ["completed_at"] = Representations.Iso(e.CompletedAt),
        ["created_at"] = Representations.Iso(e.CreatedAt),
    };

    /// <summary><c>pending</c> covers both an instance not started yet (Chorus's <c>created</c>) and one started and
    /// queued for a slot: neither has begun to run.</summary>
    private static string StatusName(ExecutionStatus status) => status == ExecutionStatus.Created ? "pending" : status.ToWire();

    private static readonly ExecutionStatus[] Pending = [ExecutionStatus.Created, ExecutionStatus.Pending];

    private static IReadOnlyList<ExecutionStatus>? StatusFilter(HttpContext http) => http.Request.Query["status"].ToString() switch
    {
        "" => null,
        "pending" => Pending,
        var text => ExecutionStatusExtensions.TryParseWire(text, out var status) && status != ExecutionStatus.Created ? [status]
            : throw new ChorusException(ErrorCodes.InvalidInput,
                "'status' must be one of pending, running, waiting, paused, completed, failed, cancelled.", new JsonObject { ["field"] = "status" }),
    };
}
