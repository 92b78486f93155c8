using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Secrets;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Brokers;

/// <summary>Managing a workflow's broker triggers, one route group per broker (<c>/api/workflows/{id}/rabbitmq-triggers</c>),
/// like its webhooks: admins create, change and delete; viewers list and read. A trigger names the tenant's secret
/// that holds the connection URL; no answer ever holds the URL.</summary>
internal static class BrokerTriggersApi
{
    /// <summary>As for webhooks: a bound keeps a runaway script from filling the table (and every node with consumers).</summary>
    public const int MaxPerWorkflow = 100;

    public static void MapBrokerTriggers(this IEndpointRouteBuilder app, IBrokerAdapter adapter, string schema)
    {
        var group = app.MapGroup($"/api/workflows/{{id}}/{adapter.Kind}-triggers");
        group.MapPost("/", (HttpContext http, string id, IBrokerTriggerStore store, WorkflowService workflows, SecretVault secrets, TierChecks tiers,
            TimeProvider time) => CreateAsync(http, adapter, id, store, workflows, secrets, tiers, time)).RequireRole(Role.Admin).Bodies($"{schema}Request", schema, StatusCodes.Status201Created);
        group.MapGet("/", (HttpContext http, string id, IBrokerTriggerStore store, WorkflowService workflows, TierChecks tiers) =>
            ListAsync(http, adapter, id, store, workflows, tiers)).RequireRole(Role.Viewer).Bodies(response: $"{schema}List");
        group.MapGet("/{triggerId}", async (HttpContext http, string id, string triggerId, IBrokerTriggerStore store, WorkflowService workflows,
            TierChecks tiers) => TypedResults.Json(Representation(adapter, await RequireAsync(http, adapter, id, triggerId, store, workflows),
                await tiers.AllowsBrokerTriggersAsync(http.Tenant(), http.RequestAborted)))).RequireRole(Role.Viewer).Bodies(response: schema);
        group.MapPatch("/{triggerId}", (HttpContext http, string id, string triggerId, IBrokerTriggerStore store, WorkflowService workflows, SecretVault secrets,
            TierChecks tiers, TimeProvider time) => UpdateAsync(http, adapter, id, triggerId, store, workflows, secrets, tiers, time)).RequireRole(Role.Admin).Bodies($"{schema}Request", schema);
        group.MapDelete("/{triggerId}", (HttpContext http, string id, string triggerId, IBrokerTriggerStore store, WorkflowService workflows) =>
            DeleteAsync(http, adapter, id, triggerId, store, workflows)).RequireRole(Role.Admin);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IBrokerAdapter adapter, string id, IBrokerTriggerStore store, WorkflowService workflows,
        SecretVault secrets, TierChecks tiers, TimeProvider time)
    {
        var tenant = http.Tenant();
        await tiers.BrokerTriggersAsync(tenant, http.RequestAborted);
        var body = await http.ReadObjectAsync();
        var workflow = await workflows.RequireAsync(tenant, Workflows.WorkflowId(id), http.RequestAborted);
        var triggerId = Guid.CreateVersion7();
        var (settings, enabled) = BrokerTriggerSettings.Apply(new JsonObject(), body, adapter.Fields, creating: true);
        settings = adapter.Apply(settings, body, triggerId);
        await CheckSecretAsync(http, adapter, secrets, settings);
        if ((await store.ListBrokerTriggersAsync(tenant, workflow.Id, adapter.Kind, http.RequestAborted)).Count >= MaxPerWorkflow)
            throw new ChorusException(ErrorCodes.Conflict, $"A workflow has at most {MaxPerWorkflow} {adapter.Kind} triggers; delete one first.",
                new JsonObject { ["limit"] = MaxPerWorkflow });
        var now = time.GetUtcNow();
        var trigger = new BrokerTriggerRecord
        {
            Tenant = tenant, Id = triggerId, WorkflowId = workflow.Id, Kind = adapter.Kind, Settings = settings, Enabled = enabled ?? true,
            CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateBrokerTriggerAsync(trigger, http.RequestAborted);
        http.Response.Headers.Location = $"/api/workflows/{workflow.Id}/{adapter.Kind}-triggers/{triggerId}";
        return TypedResults.Json(Representation(adapter, trigger, tierAllows: true), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IBrokerAdapter adapter, string id, IBrokerTriggerStore store, WorkflowService workflows,
        TierChecks tiers)
    {
        var workflow = await workflows.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        var triggers = await store.ListBrokerTriggersAsync(http.Tenant(), workflow.Id, adapter.Kind, http.RequestAborted);
        var allowed = await tiers.AllowsBrokerTriggersAsync(http.Tenant(), http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["items"] = Representations.Array(triggers, t => Representation(adapter, t, allowed)), ["total"] = triggers.Count });
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, IBrokerAdapter adapter, string id, string triggerId, IBrokerTriggerStore store,
        WorkflowService workflows, SecretVault secrets, TierChecks tiers, TimeProvider time)
    {
        // Listing, reading and deleting stay open, so a tenant moved to a tier without broker triggers can clean up.
        await tiers.BrokerTriggersAsync(http.Tenant(), http.RequestAborted);
        var body = await http.ReadObjectAsync();
        var current = await RequireAsync(http, adapter, id, triggerId, store, workflows);
        var (settings, enabled) = BrokerTriggerSettings.Apply(current.Settings, body, adapter.Fields, creating: false);
        settings = adapter.Apply(settings, body, current.Id);
        if (body.ContainsKey("secret"))
            await CheckSecretAsync(http, adapter, secrets, settings);
        var updated = current with { Settings = settings, Enabled = enabled ?? current.Enabled, UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateBrokerTriggerAsync(updated, http.RequestAborted))
            throw NotFound(triggerId);
        return TypedResults.Json(Representation(adapter, updated, tierAllows: true));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, IBrokerAdapter adapter, string id, string triggerId, IBrokerTriggerStore store,
        WorkflowService workflows)
    {
        var trigger = await RequireAsync(http, adapter, id, triggerId, store, workflows);
        if (!await store.DeleteBrokerTriggerAsync(trigger.Tenant, adapter.Kind, trigger.Id, http.RequestAborted))
            throw NotFound(triggerId);
        return TypedResults.NoContent();
    }

    /// <summary>The secret must exist and hold a URL this broker connects to; its value is never echoed.</summary>
    private static async Task CheckSecretAsync(HttpContext http, IBrokerAdapter adapter, SecretVault secrets, JsonObject settings)
    {
        var name = BrokerTriggerSettings.Secret(settings);
        string? url;
        try
        {
            url = await secrets.ResolveAsync(http.Tenant(), name, http.RequestAborted);
        }
        catch (Chorus.Engine.Steps.StepConfigurationException ex)
        {
            throw BrokerTriggerSettings.Invalid("secret", ex.Message);
        }
        if (url is null)
            throw new ChorusException(ErrorCodes.InvalidInput, $"The secret '{name}' does not exist: create it first (POST /api/secrets) with the connection URL.",
                new JsonObject { ["field"] = "secret", ["secret"] = name });
        if (!adapter.IsConnectionUrl(url))
            throw new ChorusException(ErrorCodes.InvalidInput, $"The secret '{name}' does not hold a {adapter.Kind} connection URL ({adapter.UrlForm}).",
                new JsonObject { ["field"] = "secret", ["secret"] = name });
    }

    /// <summary>The tenant's trigger of this workflow and kind; another tenant's, another workflow's, or a deleted
    /// workflow's is not found.</summary>
    private static async Task<BrokerTriggerRecord> RequireAsync(HttpContext http, IBrokerAdapter adapter, string workflowId, string triggerId,
        IBrokerTriggerStore store, WorkflowService workflows)
    {
        var workflow = await workflows.RequireAsync(http.Tenant(), Workflows.WorkflowId(workflowId), http.RequestAborted);
        var trigger = await store.GetBrokerTriggerAsync(http.Tenant(), adapter.Kind,
            RequestReading.RouteId(triggerId, ErrorCodes.NotFound, "Trigger"), http.RequestAborted);
        return trigger is not null && trigger.WorkflowId == workflow.Id ? trigger : throw NotFound(triggerId);
    }

    private static ChorusException NotFound(string triggerId) => new(ErrorCodes.NotFound, $"Trigger {triggerId} does not exist.");

    /// <summary><c>active</c>: whether the servers read its queue, i.e. it is enabled and the tenant's tier includes broker
    /// triggers (a tenant moved to a tier without them keeps its triggers, inactive).</summary>
    private static JsonObject Representation(IBrokerAdapter adapter, BrokerTriggerRecord t, bool tierAllows)
    {
        var json = new JsonObject
        {
            ["id"] = t.Id.ToString(),
            ["workflow_id"] = t.WorkflowId.ToString(),
            ["kind"] = t.Kind,
            ["enabled"] = t.Enabled,
            ["active"] = t.Enabled && tierAllows,
        };
        foreach (var (name, value) in t.Settings)
            json[name] = value?.DeepClone();
        foreach (var (name, value) in adapter.Describe(t.Settings))
            json[name] = value?.DeepClone();
        json["created_at"] = Representations.Iso(t.CreatedAt);
        json["updated_at"] = Representations.Iso(t.UpdatedAt);
        return json;
    }
}
