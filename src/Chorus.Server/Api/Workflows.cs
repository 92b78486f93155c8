using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Api;

/// <summary>Workflow definitions: CRUD, versions, validation, and starting executions of them.</summary>
internal static class Workflows
{
    public static void MapWorkflows(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflows");
        // Reading and checking definitions is for viewers, running them for members, changing them for admins.
        group.MapPost("/", Create).RequireRole(Role.Admin).Bodies("WorkflowDefinition", "Workflow", StatusCodes.Status201Created);
        group.MapGet("/", List).RequireRole(Role.Viewer).Bodies(response: "WorkflowPage");
        group.MapPost("/validate", ValidateDefinition).RequireRole(Role.Viewer).Bodies("WorkflowDefinition", "ValidationResult");
        group.MapPost("/validate-step", ValidateStep).RequireRole(Role.Viewer).Bodies("ValidateStepRequest", "ValidationResult");
        // A literal segment outranks "/{id}": without these, GET /validate-step is read as a workflow id (404).
        // They only answer 405: not operations to describe.
        group.MapMethods("/validate", OtherMethods, PostOnly).RequireRole(Role.Viewer).ExcludeFromDescription();
        group.MapMethods("/validate-step", OtherMethods, PostOnly).RequireRole(Role.Viewer).ExcludeFromDescription();
        group.MapGet("/{id}", Get).RequireRole(Role.Viewer).Bodies(response: "Workflow");
        group.MapPut("/{id}", Update).RequireRole(Role.Admin).Bodies("WorkflowDefinition", "Workflow");
        group.MapPatch("/{id}", Patch).RequireRole(Role.Admin).Bodies("WorkflowPatch", "Workflow");
        group.MapDelete("/{id}", Delete).RequireRole(Role.Admin);
        group.MapGet("/{id}/versions", Versions).RequireRole(Role.Viewer).Bodies(response: "VersionList");
        group.MapGet("/{id}/versions/{number:int}", Version).RequireRole(Role.Viewer).Bodies(response: "Version");
        group.MapPost("/{id}/versions/{number:int}/revert", Revert).RequireRole(Role.Admin).Bodies(response: "Workflow");
        group.MapGet("/{id}/diff", Diff).RequireRole(Role.Viewer).Bodies(response: "VersionDiff");
        group.MapPost("/{id}/execute", WorkflowExecutions.Execute).RequireRole(Role.Member).Bodies("ExecuteRequest", "Execution", StatusCodes.Status202Accepted);
        group.MapPost("/{id}/test-execute", WorkflowExecutions.TestExecute).RequireRole(Role.Member).Bodies("TestExecuteRequest", "TestRun");
        group.MapPost("/{id}/tests", WorkflowTests.Run).RequireRole(Role.Member).Bodies("TestsRequest", "TestReport");
        group.MapGet("/{id}/executions", WorkflowExecutions.ListForWorkflow).RequireRole(Role.Viewer).Bodies(response: "ExecutionPage");
        group.MapWorkflowMigrations();
    }

    private static readonly string[] OtherMethods = [HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    private static IResult PostOnly(HttpContext http)
    {
        http.Response.Headers.Allow = HttpMethods.Post;
        return ApiErrors.Result(http, "method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}; use POST.");
    }

    internal static Guid WorkflowId(string id) => RequestReading.RouteId(id, ErrorCodes.WorkflowNotFound, "Workflow");

    private static async Task<IResult> Create(HttpContext http, WorkflowService service, TierChecks tiers)
    {
        var (workflow, version) = await CreateAsync(http, service, tiers, await http.ReadObjectAsync(nulChecked: true));
        return TypedResults.Json(Representations.Workflow(workflow, version), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Every route that creates a workflow: validated, held to the tenant's tier, saved as version 1.</summary>
    internal static async Task<(WorkflowRecord Workflow, WorkflowVersionRecord Version)> CreateAsync(HttpContext http, WorkflowService service, TierChecks tiers, JsonObject definition)
    {
        await tiers.WorkflowSaveAsync(http.Tenant(), service.Validate(definition), creating: true, http.RequestAborted);
        return await service.CreateAsync(http.Tenant(), definition, http.Caller().Subject, http.RequestAborted);
    }

    /// <summary>Every route that saves a whole definition over a workflow: validated (an invalid one changes
    /// nothing), held to the tenant's tier, a new version when it changed.</summary>
    internal static async Task<(WorkflowRecord Workflow, WorkflowVersionRecord Version, bool Created)> SaveAsync(HttpContext http, WorkflowService service, TierChecks tiers,
        Guid id, JsonObject definition)
    {
        await tiers.WorkflowSaveAsync(http.Tenant(), service.Validate(definition), creating: false, http.RequestAborted);
        return await service.UpdateAsync(http.Tenant(), id, definition, http.Caller().Subject, http.RequestAborted);
    }

    /// <summary>The workflow with its current version, or workflow_not_found (also for another tenant's).</summary>
    internal static async Task<(WorkflowRecord Workflow, WorkflowVersionRecord? Version)> CurrentAsync(HttpContext http, WorkflowService service, IWorkflowStore store, Guid id)
    {
        var workflow = await service.RequireAsync(http.Tenant(), id, http.RequestAborted);
        return (workflow, await store.GetVersionAsync(workflow.Tenant, workflow.Id, workflow.CurrentVersion, http.RequestAborted));
    }

    /// <summary>Each workflow with its newest run (<c>last_execution</c>, null when it has none), read for the whole
    /// page in one query.</summary>
    private static async Task<IResult> List(HttpContext http, IWorkflowStore store, IExecutionReader executions)
    {
        var (offset, limit, page, size) = Paging.From(http);
        var result = await store.ListWorkflowsAsync(http.Tenant(), offset, limit, http.RequestAborted);
        var latest = (await executions.LatestExecutionsAsync(http.Tenant(), result.Items.Select(w => w.Id).ToList(), http.RequestAborted))
            .ToDictionary(e => e.WorkflowId);
        return TypedResults.Json(Paging.Body(Representations.Array(result.Items, w =>
        {
            var json = Representations.Workflow(w);
            json["last_execution"] = latest.TryGetValue(w.Id, out var e) ? Representations.LatestExecution(e) : null;
            return json;
        }), result.Total, page, size));
    }

    private static async Task<IResult> Get(HttpContext http, string id, WorkflowService service, IWorkflowStore store)
    {
        var (workflow, version) = await CurrentAsync(http, service, store, WorkflowId(id));
        return TypedResults.Json(Representations.Workflow(workflow, version));
    }

    /// <summary>Saves a new version; a workflow the tenant does not have yet is created under this id (201), so
    /// scripts can install a workflow under an id they already use.</summary>
    private static async Task<IResult> Update(HttpContext http, string id, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var body = await http.ReadObjectAsync(nulChecked: true);
        var workflowId = WorkflowId(id);
        if (await store.GetWorkflowAsync(http.Tenant(), workflowId, http.RequestAborted) is null)
        {
            await tiers.WorkflowSaveAsync(http.Tenant(), service.Validate(body), creating: true, http.RequestAborted);
            var (fresh, first) = await service.CreateWithIdAsync(http.Tenant(), workflowId, body, http.Caller().Subject, http.RequestAborted);
            return TypedResults.Json(Representations.Workflow(fresh, first), statusCode: StatusCodes.Status201Created);
        }
        var (workflow, version, created) = await SaveAsync(http, service, tiers, workflowId, body);
        var json = Representations.Workflow(workflow, version);
        json["version_created"] = created;
        return TypedResults.Json(json);
    }

    /// <summary>Changes only the status (draft, active, archived); the definition and its versions stay.</summary>
    private static async Task<IResult> Patch(HttpContext http, string id, WorkflowService service)
    {
        var body = await http.ReadObjectAsync();
        var unknown = body.Select(p => p.Key).Where(k => k != "status").ToList();
        if (unknown.Count > 0)
            throw new ChorusException(ErrorCodes.InvalidInput, "PATCH changes only 'status'; send the full definition with PUT to change anything else.",
                new JsonObject { ["fields"] = new JsonArray(unknown.Select(k => (JsonNode?)k).ToArray()) });
        var status = body.OptionalString("status") switch
        {
            "draft" => WorkflowStatus.Draft,
            "active" => WorkflowStatus.Active,
            "archived" => WorkflowStatus.Archived,
            var other => throw new ChorusException(ErrorCodes.InvalidInput, $"status must be draft, active or archived, not '{other}'.", new JsonObject { ["field"] = "status" }),
        };
        var workflow = await service.SetStatusAsync(http.Tenant(), WorkflowId(id), status, http.Caller().Subject, http.RequestAborted);
        return TypedResults.Json(Representations.Workflow(workflow));
    }

    /// <summary>With <c>delete_history=true</c> the workflow's finished executions go too, with everything they own
    /// (executions still going are left to finish).</summary>
    internal static async Task<IResult> Delete(HttpContext http, string id, IWorkflowStore store, ChorusEngine engine, Files.FileRetention files)
    {
        var deleteHistory = http.Request.Query["delete_history"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            var other => throw new ChorusException(ErrorCodes.InvalidInput, $"delete_history must be true or false, not '{other}'."),
        };
        var workflowId = WorkflowId(id);
        if (!await store.DeleteWorkflowAsync(http.Tenant(), workflowId, http.RequestAborted))
            throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {id} does not exist.");
        if (deleteHistory)
        {
            await engine.DeleteWorkflowHistoryAsync(http.Tenant(), workflowId, http.RequestAborted);
            await files.DeleteFilesOfDeletedExecutionsAsync(http.RequestAborted);
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Versions(HttpContext http, string id, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var workflow = await service.RequireAsync(http.Tenant(), WorkflowId(id), http.RequestAborted);
        await tiers.VersionHistoryAsync(workflow.Tenant, http.RequestAborted);
        var versions = await store.ListVersionsAsync(workflow.Tenant, workflow.Id, http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["workflow_id"] = workflow.Id.ToString(),
            ["current_version"] = workflow.CurrentVersion,
            ["items"] = Representations.Array(versions, v => Representations.Version(v, withDefinition: false)),
        });
    }

    private static async Task<IResult> Version(HttpContext http, string id, int number, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var workflow = await service.RequireAsync(http.Tenant(), WorkflowId(id), http.RequestAborted);
        if (number != workflow.CurrentVersion)
            await tiers.VersionHistoryAsync(workflow.Tenant, http.RequestAborted);
        var version = await store.GetVersionAsync(workflow.Tenant, workflow.Id, number, http.RequestAborted)
            ?? throw new ChorusException(ErrorCodes.NotFound, $"Workflow {id} has no version {number}.");
        return TypedResults.Json(Representations.Version(version, withDefinition: true));
    }

    private static async Task<IResult> Revert(HttpContext http, string id, int number, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        // The workflow first, so another tenant's id is not found rather than a tier refusal.
        var existing = await service.RequireAsync(http.Tenant(), WorkflowId(id), http.RequestAborted);
        await tiers.VersionHistoryAsync(http.Tenant(), http.RequestAborted);
        // A revert saves the old definition as a new version, so it passes the checks a save does: a tenant moved to
        // a lower tier cannot bring back the step types or step count that tier no longer allows.
        var old = await store.GetVersionAsync(existing.Tenant, existing.Id, number, http.RequestAborted)
            ?? throw new ChorusException(ErrorCodes.NotFound, $"Workflow {id} has no version {number}.");
        await tiers.WorkflowSaveAsync(existing.Tenant, service.Validate(old.Definition), creating: false, http.RequestAborted);
        var (workflow, version, created) = await service.RevertAsync(http.Tenant(), WorkflowId(id), number, http.Caller().Subject, http.RequestAborted);
        var json = Representations.Workflow(workflow, version);
        json["version_created"] = created;
        json["reverted_from"] = number;
        return TypedResults.Json(json);
    }

    private static async Task<IResult> Diff(HttpContext http, string id, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var workflow = await service.RequireAsync(http.Tenant(), WorkflowId(id), http.RequestAborted);
        await tiers.VersionHistoryAsync(workflow.Tenant, http.RequestAborted);
        int Number(string name, int fallback) => http.Request.Query[name].ToString() is { Length: > 0 } text
            ? int.TryParse(text, out var n) && n > 0 ? n : throw new ChorusException(ErrorCodes.InvalidInput, $"'{name}' must be a version number.")
            : fallback;
        var from = Number("from", Math.Max(1, workflow.CurrentVersion - 1));
        var to = Number("to", workflow.CurrentVersion);
        var a = await store.GetVersionAsync(workflow.Tenant, workflow.Id, from, http.RequestAborted)
            ?? throw new ChorusException(ErrorCodes.NotFound, $"Workflow {id} has no version {from}.");
        var b = await store.GetVersionAsync(workflow.Tenant, workflow.Id, to, http.RequestAborted)
            ?? throw new ChorusException(ErrorCodes.NotFound, $"Workflow {id} has no version {to}.");
        var diff = DefinitionDiff.Compare(a.Definition, b.Definition);
        return TypedResults.Json(new JsonObject
        {
            ["from"] = from,
            ["to"] = to,
            ["identical"] = diff.IsEmpty,
            ["added_steps"] = new JsonArray(diff.AddedSteps.Select(s => (JsonNode?)s).ToArray()),
            ["removed_steps"] = new JsonArray(diff.RemovedSteps.Select(s => (JsonNode?)s).ToArray()),
            ["changed_steps"] = new JsonArray(diff.ChangedSteps.Select(c => (JsonNode?)new JsonObject
            {
                ["step_id"] = c.StepId,
                ["fields"] = new JsonArray(c.Fields.Select(f => (JsonNode?)f).ToArray()),
            }).ToArray()),
            ["changed_fields"] = new JsonArray(diff.ChangedFields.Select(f => (JsonNode?)f).ToArray()),
        });
    }

    private static async Task<IResult> ValidateDefinition(HttpContext http, WorkflowService service)
    {
        var body = await http.ReadObjectAsync(nulChecked: true);
        var definition = body["definition"] as JsonObject ?? body;
        try
        {
            service.Validate(definition);
            return TypedResults.Json(new JsonObject { ["valid"] = true, ["errors"] = new JsonArray() });
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidWorkflowDefinition)
        {
            return TypedResults.Json(new JsonObject { ["valid"] = false, ["errors"] = ex.Details?["errors"]?.DeepClone() ?? new JsonArray() });
        }
    }

    /// <summary>Seed 003: checks one step in the editor's context; answers 200 with valid, errors and warnings.</summary>
    private static async Task<IResult> ValidateStep(HttpContext http, StepRegistry registry)
    {
        var body = await http.ReadObjectAsync();
        if (body["step"] is not JsonObject step)
            throw new ChorusException(ErrorCodes.InvalidInput, "'step' must be a JSON object.", new JsonObject { ["field"] = "step" });
        List<string>? available = null;
        if (body["context"]?["available_steps"] is { } list)
        {
            available = list is JsonArray array && array.All(n => n is JsonValue v && v.TryGetValue<string>(out _))
                ? array.Select(n => n!.GetValue<string>()).ToList()
                : throw new ChorusException(ErrorCodes.InvalidInput, "'context.available_steps' must be an array of step ids.", new JsonObject { ["field"] = "context.available_steps" });
        }
        var result = StepValidator.Validate(step, available, registry);
        return TypedResults.Json(new JsonObject
        {
            ["valid"] = result.Errors.Count == 0,
            ["errors"] = new JsonArray(result.Errors.Select(e => (JsonNode?)new JsonObject
            {
                ["field"] = e.Field,
                ["message"] = e.Message,
                ["code"] = ErrorCodes.StepConfigurationError,
            }).ToArray()),
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode?)new JsonObject
            {
                ["message"] = w.Message,
                ["code"] = w.Code,
                ["field"] = w.Field,
            }).ToArray()),
        });
    }
}
