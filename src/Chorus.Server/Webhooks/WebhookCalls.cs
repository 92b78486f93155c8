using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Api;
using Chorus.Server.Hosting;
using Chorus.Server.Secrets;
using Chorus.Server.Tiers;

namespace Chorus.Server.Webhooks;

/// <summary><c>POST /api/hooks/{trigger_id}</c>: a call authenticated by the trigger's secret starts an execution of
/// its workflow, in the trigger's tenant. Refusals happen before anything is started: unknown trigger 404, too many
/// calls 429, body over the cap 413, no valid signature or token 401, disabled trigger or tier without webhooks 403.</summary>
internal static class WebhookCalls
{
    public static async Task<IResult> Call(HttpContext http, string triggerId, IWebhookTriggerStore store, ChorusEngine engine,
        TierChecks tiers, TierQuotas quotas, ServerOptions options, SecretCipher cipher, TimeProvider time, WebhookRateLimits limits,
        ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var wait = WaitParameter.Of(http);
        var trigger = Guid.TryParse(triggerId, out var id) ? await store.FindWebhookTriggerAsync(id, ct) : null;
        if (trigger is null)
            throw new ChorusException(ErrorCodes.NotFound, "No webhook trigger has this id.");
        if (limits.Refusal(http, trigger.Tenant, $"hook:{trigger.Id}") is { } refused)
            return refused;
        var settings = WebhookSettings.FromJson(trigger.Settings);
        var cap = Math.Min(settings.MaxBodyBytes, WebhookTriggersApi.BodyCap(quotas.LimitsOf(trigger.Tenant).MaxBodyBytes, options));
        var body = await WebhookPayload.ReadAsync(http, cap);
        var secret = WebhookSecrets.Open(cipher, trigger);
        if (secret is null)
        {
            loggers.CreateLogger(typeof(WebhookCalls)).LogWarning(
                "The secret of webhook trigger {TriggerId} does not decrypt with this server's secrets key; rotate it", trigger.Id);
            throw new ChorusException(ErrorCodes.Unauthorized, "The call cannot be verified.");
        }
        var proof = WebhookAuth.Verify(http.Request, body, secret, settings, time.GetUtcNow());
        if (!trigger.Enabled)
            throw new ChorusException(ErrorCodes.PermissionDenied, "This webhook trigger is disabled.");
        await tiers.WebhooksAsync(trigger.Tenant, ct);

        var headers = WebhookPayload.Headers(http.Request, settings.Headers);
        var payload = WebhookPayload.ToJson(body, http.Request.ContentType);
        var input = settings.Input == WebhookSettings.InputEnvelope ? new JsonObject { ["body"] = payload, ["headers"] = headers.DeepClone() } : payload;
        var (deliveryId, idempotency) = Delivery(http.Request, settings, trigger, body, proof);
        var context = new JsonObject
        {
            ["type"] = "webhook",
            ["trigger_id"] = trigger.Id.ToString(),
            ["headers"] = headers,
            ["delivery_id"] = deliveryId,
        };
        // The daily execution limit counts new starts only, as on the execute route.
        if (idempotency is null || await engine.FindReplayAsync(trigger.Tenant, trigger.WorkflowId, idempotency, ct) is null)
            await tiers.ExecutionStartAsync(trigger.Tenant, ct);
        var (execution, replayed) = await engine.StartExecutionAsync(trigger.Tenant, trigger.WorkflowId, input, ExecutionMode.Automatic, isTest: false,
            idempotency, context, ct);
        if (replayed)
            IdempotencyKeys.MarkReplayed(http);
        if (wait is { } timeout)
        {
            execution = await engine.WaitForAsync(trigger.Tenant, execution.Id, e => e.IsTerminal, timeout, ct);
            if (execution.IsTerminal)
                return TypedResults.Json(Answer(execution, replayed, withResult: true));
        }
        return TypedResults.Json(Answer(execution, replayed, withResult: false),
            statusCode: replayed && wait is null ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    private static JsonObject Answer(ExecutionRecord e, bool replayed, bool withResult)
    {
        var json = new JsonObject
        {
            ["execution_id"] = e.Id.ToString(),
            ["workflow_id"] = e.WorkflowId.ToString(),
            ["status"] = e.Status.ToWire(),
            ["replayed"] = replayed,
        };
        if (withResult)
        {
            json["output"] = e.Output?.DeepClone();
            json["error"] = e.Error?.DeepClone();
        }
        return json;
    }

    /// <summary>What makes a redelivery recognisable: the first delivery-id header present (Idempotency-Key,
    /// X-GitHub-Delivery, or the trigger's own list), else the signature (the same signed call replayed inside the
    /// window). A token call without a delivery id is not deduplicated. The key is per trigger; its hash covers the
    /// body, so the same delivery id with another body is a conflict, not a silent replay.</summary>
    private static (string? DeliveryId, IdempotentStart? Idempotency) Delivery(HttpRequest request, WebhookSettings settings,
        WebhookTriggerRecord trigger, byte[] body, WebhookAuth.Proof proof)
    {
        string? deliveryId = null;
        string? source = null;
        foreach (var name in settings.DeliveryIdHeaders)
        {
            var value = request.Headers[name].ToString();
            if (value.Length == 0)
                continue;
            if (value.Length > 255 || value.Any(c => c is < ' ' or > '~'))
                throw new ChorusException(ErrorCodes.InvalidInput, $"{name} must be 1-255 printable ASCII characters.", new JsonObject { ["header"] = name });
            (deliveryId, source) = (value, $"{name}:{value}");
            break;
        }
        if (source is null && proof.Signature is { } signature)
            source = $"signature:{signature}";
        if (source is null)
            return (null, null);
        var key = $"webhook:{trigger.Id}:{Hex(Encoding.UTF8.GetBytes(source))}";
        var hash = Hex([.. Encoding.UTF8.GetBytes($"webhook\n{trigger.WorkflowId}\n"), .. SHA256.HashData(body)]);
        return (deliveryId, new IdempotentStart(key, hash));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
