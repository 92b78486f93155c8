using System.Text;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Steps;
using RabbitMQ.Client;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>The <c>publish</c> step: publishes one message to RabbitMQ and completes once the broker has confirmed it.
/// Config <c>{secret, exchange, routing_key, body, headers, message_id, content_type, persistent, mandatory, timeout}</c>;
/// <c>secret</c> names the tenant's secret holding the connection URL, as a RabbitMQ trigger does. The message id
/// defaults to <c>execution:step</c>, the same for every attempt, so a consumer can drop the copy a retried attempt may
/// publish. Output <c>{message_id, exchange, routing_key, confirmed}</c>. A failure to reach or be confirmed by the broker
/// is retryable; a missing secret or a bad config is not.</summary>
internal sealed class PublishStep(ISecretResolver secrets, RabbitMqPublisher publisher) : IStepHandler
{
    public const string StepType = "publish";
    private const int MaxTimeoutSeconds = 120;
    private static readonly string[] Fields =
        ["secret", "exchange", "routing_key", "body", "headers", "message_id", "content_type", "persistent", "mandatory", "timeout"];

    public string Type => StepType;


    public StepDescription Describe() => PublishStepDescription.Value;

    public IEnumerable<StepConfigIssue> ValidateConfig(StepDefinition step)
    {
        var config = step.Config;
        foreach (var unknown in config.Select(p => p.Key).Where(k => !Fields.Contains(k)))
            yield return new($"config.{unknown}", $"Unknown field: a publish step has {string.Join(", ", Fields)}.");
        if (config["secret"] is not JsonValue secret || !secret.TryGetValue<string>(out var name) || name.Length == 0)
            yield return new("config.secret", "Required: the name of the tenant's secret whose value is the amqp:// URL.");
        if (config["routing_key"] is not JsonValue key || !key.TryGetValue<string>(out _))
            yield return new("config.routing_key", "Required: the routing key (the queue's name, with the default exchange \"\").");
        foreach (var field in new[] { "exchange", "message_id", "content_type" })
            if (config[field] is { } value && (value is not JsonValue v || !v.TryGetValue<string>(out _)))
                yield return new($"config.{field}", "Must be a string.");
        if (config["headers"] is { } headers && headers is not JsonObject)
            yield return new("config.headers", "Must be an object of header names and values.");
        foreach (var field in new[] { "persistent", "mandatory" })
            if (config[field] is { } flag && (flag is not JsonValue f || !f.TryGetValue<bool>(out _)))
                yield return new($"config.{field}", "Must be true or false.");
        if (config["timeout"] is { } timeout && (timeout is not JsonValue t || !t.TryGetValue<int>(out var seconds) || seconds is < 1 or > MaxTimeoutSeconds))
            yield return new("config.timeout", $"Seconds from 1 to {MaxTimeoutSeconds}.");
    }

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        var config = context.Config;
        var secret = config["secret"]?.GetValue<string>() ?? "";
        var url = await secrets.ResolveAsync(context.Tenant, secret, cancellationToken).ConfigureAwait(false)
            ?? throw new StepConfigurationException($"The secret '{secret}' does not exist: create it (POST /api/secrets) with the amqp:// URL.");
        if (!RabbitMqConnections.IsUrl(url))
            throw new StepConfigurationException($"The secret '{secret}' does not hold an amqp:// or amqps:// URL.");
        var exchange = config["exchange"]?.GetValue<string>() ?? "";
        var routingKey = config["routing_key"]?.GetValue<string>() ?? "";
        var messageId = config["message_id"]?.GetValue<string>() ?? $"{context.ExecutionId}:{context.Step.Id}";
        var (body, contentType) = Body(config["body"]);
        var properties = new BasicProperties
        {
            MessageId = messageId,
            ContentType = config["content_type"]?.GetValue<string>() ?? contentType,
            Persistent = config["persistent"]?.GetValue<bool>() ?? true,
            Timestamp = new AmqpTimestamp(context.Services.Time.GetUtcNow().ToUnixTimeSeconds()),
            AppId = "chorus",
            Headers = Headers(config["headers"] as JsonObject),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(config["timeout"]?.GetValue<int>() ?? 10));
        var where = RabbitMqConnections.Describe(url);
        try
        {
            await publisher.PublishAsync(url, exchange, routingKey, properties, body, config["mandatory"]?.GetValue<bool>() ?? true, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed($"The broker at {where} did not confirm the message in time.", where);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never the URL: it holds the password.
            return Failed($"Publishing to {where} failed: {ex.Message}", where);
        }
        context.Log("info", $"Published message {messageId} to exchange '{exchange}' with routing key '{routingKey}' at {where}, confirmed");
        return StepResult.Done(new JsonObject
        {
            ["message_id"] = messageId,
            ["exchange"] = exchange,
            ["routing_key"] = routingKey,
            ["confirmed"] = true,
        });
    }

    private static StepResult.Failed Failed(string message, string where) =>
        new("publish_failed", message, new JsonObject { ["broker"] = where }, Retryable: true);

    /// <summary>A string is sent as it is (text); any other value as JSON.</summary>
    private static (byte[] Body, string ContentType) Body(JsonNode? body) =>
        body is JsonValue v && v.TryGetValue<string>(out var text)
            ? (Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8")
            : (Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "null"), "application/json");

    private static Dictionary<string, object?>? Headers(JsonObject? headers)
    {
        if (headers is null)
            return null;
        var amqp = new Dictionary<string, object?>();
        foreach (var (name, value) in headers)
            amqp[name] = value switch
            {
                null => null,
                JsonValue s when s.TryGetValue<string>(out var text) => text,
                JsonValue b when b.TryGetValue<bool>(out var flag) => flag,
                JsonValue l when l.TryGetValue<long>(out var number) => number,
                JsonValue d when d.TryGetValue<double>(out var real) => real,
                _ => value.ToJsonString(),
            };
        return amqp;
    }
}
