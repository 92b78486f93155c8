using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Compat;

/// <summary>The steps-microservice API: the steps of a workflow edited one at a time. A workflow here is a Chorus
/// workflow and its steps are the steps of its current version, so every change is a whole definition saved through
/// <see cref="Workflows.SaveAsync"/>: validated (an invalid result changes nothing), held to the tenant's tier, a new
/// version. <c>/available-steps</c> is the canonical <c>/api/available-steps</c>. (<c>POST /api/executions</c> with <c>workflow_id, mode, initial_data</c> is the canonical route itself.)
///
/// Step ids are unique only inside a workflow, so <c>/steps/{step_id}</c> takes <c>{workflow_id}:{step_id}</c>, the
/// form every answer gives as <c>step_id</c>; a bare step id is accepted when exactly one of the tenant's workflows
/// has such a step (another is a conflict naming the candidates).</summary>
internal static class DiscoveryRoutes
{
    public static void MapDiscoveryRoutes(this IEndpointRouteBuilder app)
    {
        // The roles of the canonical routes: reading a definition is for viewers, changing it for admins.
        app.MapGet("/workflows/{workflow_id}/steps", List).RequireRole(Role.Viewer);
        app.MapPost("/workflows/{workflow_id}/steps", Add).RequireRole(Role.Admin);
        app.MapGet("/steps/{step_id}", Get).RequireRole(Role.Viewer);
        app.MapPatch("/steps/{step_id}", Patch).RequireRole(Role.Admin);
        app.MapDelete("/steps/{step_id}", Delete).RequireRole(Role.Admin);
        app.MapGet("/available-steps", AvailableSteps.List).RequireRole(Role.Viewer);
    }

    /// <summary>A step found by its address, with the definition it lives in (a copy, free to change and save).</summary>
    private sealed record Located(WorkflowRecord Workflow, JsonObject Definition, JsonArray Steps, int Index)
    {
        public JsonObject Step => (JsonObject)Steps[Index]!;
    }

    private static async Task<IResult> List(HttpContext http, string workflow_id, WorkflowService service, IWorkflowStore store)
    {
        var (workflow, definition) = await DefinitionAsync(http, service, store, Workflows.WorkflowId(workflow_id));
        var steps = StepsOf(definition);
        return TypedResults.Json(new JsonArray(steps.Select((s, i) => (JsonNode?)Representation(workflow, (JsonObject)s!, i)).ToArray()));
    }

    /// <summary>Adds a step (a Chorus step object: id, name, type, config, next…). <c>after</c> names the step it
    /// follows: that step's <c>next</c> becomes the new step and the new step takes over where it went. Without
    /// <c>after</c>, a step added to a workflow whose last step ends it follows that step, like appending to a list.</summary>
    private static async Task<IResult> Add(HttpContext http, string workflow_id, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var workflowId = Workflows.WorkflowId(workflow_id);
        var body = await http.ReadObjectAsync(nulChecked: true);
        var (_, definition) = await DefinitionAsync(http, service, store, workflowId);
        var after = body.OptionalString("after");
        body.Remove("after");
        RemoveReadOnly(body);
        var id = body.OptionalString("id");
        if (string.IsNullOrEmpty(id))
            throw Invalid("'id' (the step's id inside its workflow) is required.", "id");
        var steps = StepsOf(definition);
        if (IndexOf(steps, id) >= 0)
            throw new ChorusException(ErrorCodes.Conflict, $"The workflow already has a step '{id}'.", new JsonObject { ["step_id"] = $"{workflowId}:{id}" });
        var predecessor = after is not null
            ? (JsonObject?)steps[IndexOf(steps, after) is var i and >= 0 ? i : throw Invalid($"'after' names step '{after}', which the workflow does not have.", "after")]
            : steps.LastOrDefault() is JsonObject last && EndsWorkflow(last) ? last : null;
        if (predecessor is not null)
            Link(predecessor, body, explicitAfter: after is not null);
        steps.Add(body.DeepClone());
        var (workflow, _, _) = await Workflows.SaveAsync(http, service, tiers, workflowId, definition);
        return TypedResults.Json(Representation(workflow, body, steps.Count - 1), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Get(HttpContext http, string step_id, WorkflowService service, IWorkflowStore store)
    {
        var found = await LocateAsync(http, service, store, step_id);
        return TypedResults.Json(Representation(found.Workflow, found.Step, found.Index));
    }

    /// <summary>Replaces the fields the body gives (null removes one); the id stays, since other steps point at it.</summary>
    private static async Task<IResult> Patch(HttpContext http, string step_id, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var body = await http.ReadObjectAsync(nulChecked: true);
        RemoveReadOnly(body);
        var found = await LocateAsync(http, service, store, step_id);
        var step = found.Step;
        if (body.OptionalString("id") is { } newId && newId != step.OptionalString("id"))
            throw Invalid("A step's id cannot change (other steps and past executions refer to it); add a new step instead.", "id");
        foreach (var (name, value) in body.ToList())
        {
            if (value is null)
                step.Remove(name);
            else
                step[name] = value.DeepClone();
        }
        var (workflow, _, _) = await Workflows.SaveAsync(http, service, tiers, found.Workflow.Id, found.Definition);
        return TypedResults.Json(Representation(workflow, step, found.Index));
    }

    /// <summary>Removes the step from its chain: a step (or <c>start_at</c>) that went to it with <c>next</c> goes
    /// where it went instead (nowhere, when it was the last). Any other reference (next_steps, a condition's routes,
    /// on_error) is refused (409, the validator's reasons in details), as is a deletion that leaves a step
    /// unreachable: where those should lead is for the client to say, with PATCH, before deleting.</summary>
    private static async Task<IResult> Delete(HttpContext http, string step_id, WorkflowService service, IWorkflowStore store, TierChecks tiers)
    {
        var found = await LocateAsync(http, service, store, step_id);
        var id = found.Step.OptionalString("id")!;
        var successor = found.Step["next"]?.DeepClone();
        found.Steps.RemoveAt(found.Index);
        foreach (var other in found.Steps.OfType<JsonObject>().Where(o => o["next"]?.ToString() == id))
        {
            if (successor is null)
                other.Remove("next");
            else
                other["next"] = successor.DeepClone();
        }
        if (found.Definition["start_at"]?.ToString() == id)
        {
            if (successor is null)
                found.Definition.Remove("start_at");
            else
                found.Definition["start_at"] = successor.DeepClone();
        }
        try
        {
            service.Validate(found.Definition);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidWorkflowDefinition)
        {
            throw new ChorusException(ErrorCodes.Conflict,
                $"Step '{id}' cannot be deleted: without it the workflow is not valid ({ex.Message}). Change the steps that lead to it first.",
                new JsonObject { ["step_id"] = Address(found.Workflow.Id, id!), ["errors"] = ex.Details?["errors"]?.DeepClone() ?? new JsonArray() });
        }
        var (workflow, _, _) = await Workflows.SaveAsync(http, service, tiers, found.Workflow.Id, found.Definition);
        return TypedResults.Json(new JsonObject
        {
            ["message"] = $"Step '{id}' deleted.",
            ["step_id"] = Address(workflow.Id, id!),
            ["workflow_id"] = workflow.Id.ToString(),
            ["workflow_version"] = workflow.CurrentVersion,
        });
    }

    /// <summary>The step as the client sent it, plus where it is: the address to use with <c>/steps/{step_id}</c>,
    /// its workflow and version, and its place (<c>order</c>) in the definition's list.</summary>
    private static JsonObject Representation(WorkflowRecord workflow, JsonObject step, int position)
    {
        var json = (JsonObject)step.DeepClone();
        var id = step.OptionalString("id") ?? "";
        json["step_id"] = Address(workflow.Id, id);
        json["workflow_id"] = workflow.Id.ToString();
        json["workflow_version"] = workflow.CurrentVersion;
        json["order"] = position;
        return json;
    }

    /// <summary>The fields <see cref="Representation"/> adds: a step read and sent back keeps only its own.</summary>
    private static readonly string[] ReadOnlyFields = ["step_id", "workflow_id", "workflow_version", "order"];

    private static void RemoveReadOnly(JsonObject body)
    {
        foreach (var name in ReadOnlyFields)
            body.Remove(name);
    }

    private static string Address(Guid workflowId, string stepId) => $"{workflowId}:{stepId}";

    private static async Task<Located> LocateAsync(HttpContext http, WorkflowService service, IWorkflowStore store, string address)
    {
        // A workflow id is a UUID (36 characters), so the first colon after it separates the step id, which may
        // itself contain colons.
        if (address.Length > 37 && address[36] == ':' && Guid.TryParse(address.AsSpan(0, 36), out var workflowId))
        {
            var stepId = address[37..];
            var (workflow, definition) = await DefinitionAsync(http, service, store, workflowId);
            var steps = StepsOf(definition);
            var index = IndexOf(steps, stepId);
            return index >= 0 ? new Located(workflow, definition, steps, index)
                : throw new ChorusException(ErrorCodes.NotFound, $"Workflow {workflowId} has no step '{Trim(stepId)}'.");
        }
        var matches = new List<Located>();
        await foreach (var (workflow, definition) in AllDefinitionsAsync(http, store))
        {
            var steps = StepsOf(definition);
            if (IndexOf(steps, address) is var index and >= 0)
                matches.Add(new Located(workflow, definition, steps, index));
        }
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ChorusException(ErrorCodes.NotFound, $"No workflow has a step '{Trim(address)}'."),
            _ => throw new ChorusException(ErrorCodes.Conflict,
                $"{matches.Count} workflows have a step '{Trim(address)}'; address it as {{workflow_id}}:{{step_id}}.",
                new JsonObject { ["candidates"] = new JsonArray(matches.Select(m => (JsonNode?)Address(m.Workflow.Id, address)).ToArray()) }),
        };
    }

    /// <summary>The current definition of every workflow of the tenant, a page at a time: a bare step id is
    /// looked for in all of them.</summary>
    private static async IAsyncEnumerable<(WorkflowRecord, JsonObject)> AllDefinitionsAsync(HttpContext http, IWorkflowStore store)
    {
        const int pageSize = 200;
        for (var offset = 0; ; offset += pageSize)
        {
            var page = await store.ListWorkflowsAsync(http.Tenant(), offset, pageSize, http.RequestAborted);
            foreach (var workflow in page.Items)
            {
                if (await store.GetVersionAsync(workflow.Tenant, workflow.Id, workflow.CurrentVersion, http.RequestAborted) is { } version)
                    yield return (workflow, WithStatus(version.Definition, workflow));
            }
            if (page.Items.Count < pageSize)
                yield break;
        }
    }

    private static async Task<(WorkflowRecord, JsonObject)> DefinitionAsync(HttpContext http, WorkflowService service, IWorkflowStore store, Guid workflowId)
    {
        var (workflow, version) = await Workflows.CurrentAsync(http, service, store, workflowId);
        return version is null
            ? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {workflowId} has no version.")
            : (workflow, WithStatus(version.Definition, workflow));
    }

    /// <summary>A copy of the definition carrying the workflow's status, so that saving a step keeps the status
    /// (a draft stays a draft) rather than taking the one the version was first saved with.</summary>
    private static JsonObject WithStatus(JsonObject definition, WorkflowRecord workflow)
    {
        var copy = (JsonObject)definition.DeepClone();
        copy["status"] = workflow.Status.ToString().ToLowerInvariant();
        return copy;
    }

    private static JsonArray StepsOf(JsonObject definition) => definition["steps"] as JsonArray ?? (JsonArray)(definition["steps"] = new JsonArray());

    private static int IndexOf(JsonArray steps, string id)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is JsonObject step && step["id"] is JsonValue v && v.TryGetValue<string>(out var s) && s == id)
                return i;
        }
        return -1;
    }

    /// <summary>A step that goes nowhere after it: no next, next_steps, error route, and no condition routing.</summary>
    private static bool EndsWorkflow(JsonObject step) =>
        step["next"] is null && step["next_steps"] is null or JsonArray { Count: 0 } && step["type"]?.ToString() != "condition";

    /// <summary>Puts <paramref name="added"/> after <paramref name="predecessor"/>: the added step goes where the
    /// predecessor went (unless it says where it goes itself), and the predecessor goes to it.</summary>
    private static void Link(JsonObject predecessor, JsonObject added, bool explicitAfter)
    {
        if (predecessor["next_steps"] is JsonArray { Count: > 0 } || predecessor["type"]?.ToString() == "condition")
        {
            if (!explicitAfter)
                return;
            throw Invalid($"Step '{predecessor["id"]}' routes through next_steps or conditions; link the new step by changing it with PATCH /steps/{{step_id}}.", "after");
        }
        if (predecessor["next"] is { } next && added["next"] is null && added["next_steps"] is null)
            added["next"] = next.DeepClone();
        predecessor["next"] = added["id"]!.DeepClone();
    }

    private static ChorusException Invalid(string message, string field) =>
        new(ErrorCodes.InvalidInput, message, new JsonObject { ["field"] = field });

    private static string Trim(string text) => text.Length > 64 ? text[..64] + "..." : text;
}
