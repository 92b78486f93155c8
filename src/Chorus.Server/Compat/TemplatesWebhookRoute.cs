using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Security;
using Chorus.Server.Tiers;

namespace Chorus.Server.Compat;

/// <summary>The templates and instances API's <c>POST /api/v1/triggers/webhook/{template_id}</c>: a caller with a
/// token (member role, its own tenant) starts the template (a workflow) with the request body as its input, and gets
/// the instance back under that API's names (<c>instance_id</c>, <c>id</c>, <c>status</c>). Unlike the canonical
/// hook route it needs no trigger: the token is the authentication. Idempotency-Key is honoured as on every start.</summary>
internal static class TemplatesWebhookRoute
{
    public static void MapTemplatesWebhookRoute(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/triggers/webhook/{templateId}", Trigger).RequireRole(Role.Member);

    private static async Task<IResult> Trigger(HttpContext http, string templateId, ChorusEngine engine, TierChecks tiers)
    {
        var tenant = http.Tenant();
        var workflowId = Workflows.WorkflowId(templateId);
        var input = await http.ReadJsonAsync(allowEmpty: true);
        if (NulCharacters.FirstPath(input, "$") is { } path)
            throw new ChorusException(ErrorCodes.InvalidInput, $"The request body contains a NUL character (\\u0000) at '{path}', which cannot be stored.",
                new JsonObject { ["field"] = path });
        await tiers.WebhooksAsync(tenant, http.RequestAborted);
        var idempotency = IdempotencyKeys.From(http, "templates-webhook", workflowId, new JsonObject { ["body"] = input?.DeepClone() });
        if (idempotency is null || await engine.FindReplayAsync(tenant, workflowId, idempotency, http.RequestAborted) is null)
            await tiers.ExecutionStartAsync(tenant, http.RequestAborted);
        var trigger = new JsonObject { ["type"] = "webhook", ["template_id"] = workflowId.ToString() };
        var (execution, replayed) = await engine.StartExecutionAsync(tenant, workflowId, input, ExecutionMode.Automatic, isTest: false,
            idempotency, trigger, http.RequestAborted);
        if (replayed)
            IdempotencyKeys.MarkReplayed(http);
        http.Response.Headers.Location = $"/api/v1/instances/{execution.Id}";
        return TypedResults.Json(new JsonObject
        {
            ["id"] = execution.Id.ToString(),
            ["instance_id"] = execution.Id.ToString(),
            ["template_id"] = execution.WorkflowId.ToString(),
            ["execution_id"] = execution.Id.ToString(),
            ["status"] = execution.Status.ToWire(),
            ["input"] = execution.Input?.DeepClone(),
            ["created_at"] = Representations.Iso(execution.CreatedAt),
        }, statusCode: replayed ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }
}
