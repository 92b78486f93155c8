using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Tiers;

namespace Chorus.Server.Brokers;

/// <summary>Turns one message of a broker trigger into one execution of its workflow. The start is idempotent by the
/// message: its id (else a hash of its body) is the key, so a redelivery, or the same message published again within
/// the engine's idempotency window, answers the execution the first delivery started instead of starting another.</summary>
internal sealed class BrokerStarts(ChorusEngine engine, TierChecks tiers, TierQuotas quotas)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>Codes of refusals that no redelivery can change: the message goes to the dead-letter queue.</summary>
    private static readonly HashSet<string> Permanent =
    [
        ErrorCodes.InvalidInput, ErrorCodes.WorkflowNotFound, ErrorCodes.Conflict, ErrorCodes.PayloadTooLarge, ErrorCodes.JsonTooDeep,
        ErrorCodes.ContextTooLarge, ErrorCodes.ArrayIndexTooLarge, ErrorCodes.PermissionDenied,
    ];

    public async Task<BrokerVerdict> StartAsync(BrokerTriggerRecord trigger, BrokerMessage message, CancellationToken ct)
    {
        JsonNode? input;
        try
        {
            input = Input(BrokerTriggerSettings.Input(trigger.Settings), message);
        }
        catch (JsonException ex)
        {
            return new BrokerVerdict.Dead("not_json", $"The message body is not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine}).");
        }
        // The consumers of a tenant moved to a tier without broker triggers stop within a refresh; a message taken in
        // between goes back to the queue, for when the tenant has them again. The tiers in memory: no query per message.
        if (!quotas.LimitsOf(trigger.Tenant).BrokerTriggers)
            return new BrokerVerdict.Retry($"{ErrorCodes.TierRestriction}: the tenant's tier does not include broker triggers");
        var idempotency = Idempotency(trigger, message);
        var context = new JsonObject
        {
            ["type"] = trigger.Kind,
            ["trigger_id"] = trigger.Id.ToString(),
            ["message_id"] = message.MessageId,
            ["properties"] = message.Properties.DeepClone(),
        };
        try
        {
            // The daily execution limit counts new starts only, as for webhooks.
            if (await engine.FindReplayAsync(trigger.Tenant, trigger.WorkflowId, idempotency, ct).ConfigureAwait(false) is null)
                await tiers.ExecutionStartAsync(trigger.Tenant, ct).ConfigureAwait(false);
            var (execution, replayed) = await engine.StartExecutionAsync(trigger.Tenant, trigger.WorkflowId, input, ExecutionMode.Automatic,
                isTest: false, idempotency, context, ct).ConfigureAwait(false);
            return new BrokerVerdict.Started(execution.Id, replayed);
        }
        catch (ChorusException ex) when (Permanent.Contains(ex.Code))
        {
            return new BrokerVerdict.Dead(ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new BrokerVerdict.Retry(ex is ChorusException chorus ? $"{chorus.Code}: {chorus.Message}" : ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>Body mode: the body, which must be JSON. Envelope mode: <c>{body, headers, properties}</c>, the body as
    /// JSON when it is JSON, else as text (or base64 when it is not UTF-8 either).</summary>
    public static JsonNode? Input(string mode, BrokerMessage message)
    {
        if (mode != BrokerTriggerSettings.InputEnvelope)
            return JsonNode.Parse(message.Body.Span, documentOptions: DocumentOptions);
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(message.Body.Span, documentOptions: DocumentOptions);
        }
        catch (JsonException)
        {
            body = System.Text.Unicode.Utf8.IsValid(message.Body.Span)
                ? JsonValue.Create(Encoding.UTF8.GetString(message.Body.Span))
                : new JsonObject { ["base64"] = Convert.ToBase64String(message.Body.Span) };
        }
        return new JsonObject { ["body"] = body, ["headers"] = message.Headers.DeepClone(), ["properties"] = message.Properties.DeepClone() };
    }

    /// <summary>Per trigger. The request hash covers the body, so the same message id with another body is refused as a
    /// conflict (to the dead-letter queue), never silently taken for the first message.</summary>
    public static IdempotentStart Idempotency(BrokerTriggerRecord trigger, BrokerMessage message)
    {
        var bodyHash = SHA256.HashData(message.Body.Span);
        var source = message.MessageId is { Length: > 0 } id ? $"id:{id}" : $"body:{Convert.ToHexStringLower(bodyHash)}";
        var key = $"{trigger.Kind}:{trigger.Id}:{Hex(Encoding.UTF8.GetBytes(source))}";
        var hash = Hex([.. Encoding.UTF8.GetBytes($"{trigger.Kind}\n{trigger.WorkflowId}\n"), .. bodyHash]);
        return new IdempotentStart(key, hash);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
