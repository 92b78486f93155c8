using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Hosting;
using Chorus.Server.Secrets;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Webhooks;

/// <summary>Managing a workflow's webhook triggers, like its schedules: admins create, change, rotate and delete;
/// viewers list and read. The secret is in the answers to create and rotate only.</summary>
internal static class WebhookTriggersApi
{
    /// <summary>As for schedules: one per sender is the use, and a bound keeps a runaway script from filling the table.</summary>
    public const int MaxPerWorkflow = 100;

    public static void MapWebhookTriggers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflows/{id}/webhooks");
        group.MapPost("/", Create).RequireRole(Role.Admin).Bodies("WebhookRequest", "Webhook", StatusCodes.Status201Created);
        group.MapGet("/", List).RequireRole(Role.Viewer).Bodies(response: "WebhookList");
        group.MapGet("/{webhookId}", Get).RequireRole(Role.Viewer).Bodies(response: "Webhook");
        group.MapPatch("/{webhookId}", Update).RequireRole(Role.Admin).Bodies("WebhookRequest", "Webhook");
        group.MapPost("/{webhookId}/rotate", Rotate).RequireRole(Role.Admin).Bodies(response: "Webhook");
        group.MapDelete("/{webhookId}", Delete).RequireRole(Role.Admin);
    }

    private static async Task<IResult> Create(HttpContext http, string id, IWebhookTriggerStore store, WorkflowService workflows,
        TierChecks tiers, ServerOptions options, SecretCipher cipher, TimeProvider time)
    {
        var tenant = http.Tenant();
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var cap = BodyCap(await tiers.WebhooksAsync(tenant, http.RequestAborted), options);
        var workflow = await workflows.RequireAsync(tenant, Workflows.WorkflowId(id), http.RequestAborted);
        var (settings, enabled) = WebhookSettings.Apply(new WebhookSettings { MaxBodyBytes = Math.Min(WebhookSettings.DefaultMaxBodyBytes, cap) }, body, cap);
        if ((await store.ListWebhookTriggersAsync(tenant, workflow.Id, http.RequestAborted)).Count >= MaxPerWorkflow)
            throw new ChorusException(ErrorCodes.Conflict, $"A workflow has at most {MaxPerWorkflow} webhook triggers; delete one first.",
                new JsonObject { ["limit"] = MaxPerWorkflow });
        var now = time.GetUtcNow();
        // Random, not time-ordered like other ids: the id is half of what a caller must know, and must not be guessable.
        var triggerId = Guid.NewGuid();
        var secret = WebhookSecrets.Generate();
        var trigger = new WebhookTriggerRecord
        {
            Tenant = tenant, Id = triggerId, WorkflowId = workflow.Id, Settings = settings.ToJson(),
            SecretCiphertext = WebhookSecrets.Seal(cipher, tenant, triggerId, secret), Enabled = enabled ?? true, CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateWebhookTriggerAsync(trigger, http.RequestAborted);
        http.Response.Headers.Location = $"/api/workflows/{workflow.Id}/webhooks/{triggerId}";
        return TypedResults.Json(WithSecret(Representation(http, trigger), secret), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> List(HttpContext http, string id, IWebhookTriggerStore store, WorkflowService workflows)
    {
        var workflow = await workflows.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        var triggers = await store.ListWebhookTriggersAsync(http.Tenant(), workflow.Id, http.RequestAborted);
        return TypedResults.Json(new JsonObject { ["items"] = Representations.Array(triggers, t => Representation(http, t)), ["total"] = triggers.Count });
    }

    private static async Task<IResult> Get(HttpContext http, string id, string webhookId, IWebhookTriggerStore store, WorkflowService workflows) =>
        TypedResults.Json(Representation(http, await RequireAsync(http, id, webhookId, store, workflows)));

    private static async Task<IResult> Update(HttpContext http, string id, string webhookId, IWebhookTriggerStore store, WorkflowService workflows,
        TierChecks tiers, ServerOptions options, TimeProvider time)
    {
        var body = await http.ReadObjectAsync();
        var current = await RequireAsync(http, id, webhookId, store, workflows);
        var cap = BodyCap(await tiers.WebhooksAsync(http.Tenant(), http.RequestAborted), options);
        var (settings, enabled) = WebhookSettings.Apply(WebhookSettings.FromJson(current.Settings), body, cap);
        var updated = current with { Settings = settings.ToJson(), Enabled = enabled ?? current.Enabled, UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateWebhookTriggerAsync(updated, http.RequestAborted))
            throw NotFound(webhookId);
        return TypedResults.Json(Representation(http, updated));
    }

    /// <summary>A new secret replaces the old one at once: calls signed with the old one are refused from now on.</summary>
    private static async Task<IResult> Rotate(HttpContext http, string id, string webhookId, IWebhookTriggerStore store, WorkflowService workflows,
        SecretCipher cipher, TimeProvider time)
    {
        var current = await RequireAsync(http, id, webhookId, store, workflows);
        var secret = WebhookSecrets.Generate();
        var rotated = current with { SecretCiphertext = WebhookSecrets.Seal(cipher, current.Tenant, current.Id, secret), UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateWebhookTriggerAsync(rotated, http.RequestAborted))
            throw NotFound(webhookId);
        return TypedResults.Json(WithSecret(Representation(http, rotated), secret));
    }

    private static async Task<IResult> Delete(HttpContext http, string id, string webhookId, IWebhookTriggerStore store, WorkflowService workflows)
    {
        var trigger = await RequireAsync(http, id, webhookId, store, workflows);
        if (!await store.DeleteWebhookTriggerAsync(trigger.Tenant, trigger.Id, http.RequestAborted))
            throw NotFound(webhookId);
        return TypedResults.NoContent();
    }

    /// <summary>The most a trigger's body cap may be: the tenant's tier's max_body_bytes, below the server's MAX_BODY_BYTES.</summary>
    public static int BodyCap(int? tierMax, ServerOptions options) => (int)Math.Min(tierMax ?? int.MaxValue, options.MaxBodyBytes);

    /// <summary>The tenant's trigger of this workflow; another tenant's, another workflow's, or a deleted workflow's
    /// is not found.</summary>
    private static async Task<WebhookTriggerRecord> RequireAsync(HttpContext http, string workflowId, string webhookId, IWebhookTriggerStore store,
        WorkflowService workflows)
    {
        var workflow = await workflows.RequireAsync(http.Tenant(), Workflows.WorkflowId(workflowId), http.RequestAborted);
        var trigger = await store.GetWebhookTriggerAsync(http.Tenant(), RequestReading.RouteId(webhookId, ErrorCodes.NotFound, "Webhook trigger"), http.RequestAborted);
        return trigger is not null && trigger.WorkflowId == workflow.Id ? trigger : throw NotFound(webhookId);
    }

    private static ChorusException NotFound(string webhookId) => new(ErrorCodes.NotFound, $"Webhook trigger {webhookId} does not exist.");

    private static JsonObject WithSecret(JsonObject json, string secret)
    {
        json["secret"] = secret;
        json["secret_notice"] = "Shown this once: store it now. Rotate the trigger to get a new one.";
        return json;
    }

    public static string HookUrl(HttpContext http, Guid triggerId) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/api/hooks/{triggerId}";

    private static JsonObject Representation(HttpContext http, WebhookTriggerRecord t)
    {
        var json = new JsonObject
        {
            ["id"] = t.Id.ToString(),
            ["workflow_id"] = t.WorkflowId.ToString(),
            ["url"] = HookUrl(http, t.Id),
            ["enabled"] = t.Enabled,
        };
        foreach (var (name, value) in WebhookSettings.FromJson(t.Settings).ToJson())
            json[name] = value?.DeepClone();
        json["signature_header"] = WebhookAuth.SignatureHeader;
        json["timestamp_header"] = WebhookAuth.TimestampHeader;
        json["created_at"] = Representations.Iso(t.CreatedAt);
        json["updated_at"] = Representations.Iso(t.UpdatedAt);
        return json;
    }
}
