using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Hosting;
using Chorus.Server.Tiers;

namespace Chorus.Server.Webhooks;

/// <summary>A step waiting for an event (the webhook step) can be resumed by an outside system without a bearer
/// token: its resume URL, listed with the execution's <c>waiting_for</c>, carries a token bound to the tenant, the
/// execution, the step and its attempt. The call's body becomes the step's output. A wrong token is 404 and a token
/// whose wait is over (already resumed) 409: neither changes anything.</summary>
internal static class WebhookResumeRoute
{
    public const string Pattern = "/api/hooks/executions/{executionId}/{stepId}";

    public static async Task<IResult> Resume(HttpContext http, string executionId, string stepId, ChorusEngine engine, WebhookResumeTokens tokens,
        TierQuotas quotas, ServerOptions options, WebhookRateLimits limits)
    {
        var granted = Guid.TryParse(executionId, out var id) ? tokens.Verify(http.Request.Query["token"].ToString(), id, stepId) : null;
        if (granted is not { } grant)
            // Not found rather than 401: a resume URL is a capability, and one with a wrong token names nothing (nor
            // tells whether the execution exists).
            throw new ChorusException(ErrorCodes.NotFound, "No step waits for this resume URL; check its token.");
        if (limits.Refusal(http, grant.Tenant, $"resume:{id}") is { } refused)
            return refused;
        var cap = Math.Min(WebhookSettings.DefaultMaxBodyBytes, WebhookTriggersApi.BodyCap(quotas.LimitsOf(grant.Tenant).MaxBodyBytes, options));
        var body = await WebhookPayload.ReadAsync(http, cap);
        var data = WebhookPayload.ToJson(body, http.Request.ContentType);
        var execution = await engine.ResumeWaitingStepAsync(grant.Tenant, id, stepId, grant.Attempt, data, http.RequestAborted);
        return TypedResults.Json(new JsonObject
        {
            ["execution_id"] = execution.Id.ToString(),
            ["step_id"] = stepId,
            ["status"] = execution.Status.ToWire(),
        }, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Adds <c>resume_url</c> to each step of <paramref name="json"/>'s <c>waiting_for</c> that waits for an event.</summary>
    public static void AddResumeUrls(HttpContext http, JsonObject json, ExecutionRecord e)
    {
        if (json["waiting_for"] is not JsonArray waiting || http.RequestServices.GetService<WebhookResumeTokens>() is not { } tokens)
            return;
        foreach (var item in waiting.OfType<JsonObject>())
        {
            if (item["kind"]?.GetValue<string>() != "event" || item["step_id"]?.GetValue<string>() is not { } stepId
                || !e.State.Steps.TryGetValue(stepId, out var state))
                continue;
            var token = tokens.Issue(e.Tenant, e.Id, stepId, state.Attempt);
            item["resume_url"] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/api/hooks/executions/{e.Id}/" +
                $"{Uri.EscapeDataString(stepId)}?token={token}";
        }
    }
}
