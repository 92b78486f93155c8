using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>AMQP messages in and out: a delivery as the shared code reads it, and its copy for the dead-letter queue.</summary>
internal static class RabbitMqMessages
{
    private const int MaxReasonLength = 1000;

    public static BrokerMessage Read(BasicDeliverEventArgs args, string queue)
    {
        var p = args.BasicProperties;
        return new BrokerMessage
        {
            // The client reuses the delivery's buffer once the handler returns; the start may outlive nothing, but copy anyway.
            Body = args.Body.ToArray(),
            MessageId = p.IsMessageIdPresent() ? p.MessageId : null,
            ContentType = p.IsContentTypePresent() ? p.ContentType : null,
            Headers = Headers(p.Headers),
            Properties = new JsonObject
            {
                ["queue"] = queue,
                ["exchange"] = args.Exchange,
                ["routing_key"] = args.RoutingKey,
                ["redelivered"] = args.Redelivered,
                ["message_id"] = p.IsMessageIdPresent() ? p.MessageId : null,
                ["correlation_id"] = p.IsCorrelationIdPresent() ? p.CorrelationId : null,
                ["content_type"] = p.IsContentTypePresent() ? p.ContentType : null,
                ["type"] = p.IsTypePresent() ? p.Type : null,
                ["app_id"] = p.IsAppIdPresent() ? p.AppId : null,
                ["timestamp"] = p.IsTimestampPresent()
                    ? DateTimeOffset.FromUnixTimeSeconds(p.Timestamp.UnixTime).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null,
            },
        };
    }

    /// <summary>The original's properties and headers, plus why it could not start.</summary>
    public static BasicProperties DeadLetter(BasicDeliverEventArgs args, BrokerVerdict.Dead dead, Guid triggerId)
    {
        var p = args.BasicProperties;
        var headers = p.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(p.Headers);
        headers[RabbitMqAdapter.ReasonHeader] = dead.Reason.Length > MaxReasonLength ? dead.Reason[..MaxReasonLength] : dead.Reason;
        headers[RabbitMqAdapter.CodeHeader] = dead.Code;
        headers[RabbitMqAdapter.TriggerHeader] = triggerId.ToString();
        return new BasicProperties
        {
            Persistent = true,
            MessageId = p.IsMessageIdPresent() ? p.MessageId : null,
            CorrelationId = p.IsCorrelationIdPresent() ? p.CorrelationId : null,
            ContentType = p.IsContentTypePresent() ? p.ContentType : null,
            Type = p.IsTypePresent() ? p.Type : null,
            AppId = p.IsAppIdPresent() ? p.AppId : null,
            Headers = headers,
        };
    }

    /// <summary>AMQP header values as JSON: strings arrive as bytes.</summary>
    public static JsonObject Headers(IDictionary<string, object?>? headers)
    {
        var json = new JsonObject();
        foreach (var (name, value) in headers ?? new Dictionary<string, object?>())
            json[name] = Value(value, 0);
        return json;
    }

    private static JsonNode? Value(object? value, int depth) => depth > 16 ? null : value switch
    {
        null => null,
        byte[] bytes => System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Convert.ToBase64String(bytes),
        string s => s,
        bool b => b,
        int or long or short or byte or sbyte or uint or ushort or ulong => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        AmqpTimestamp t => DateTimeOffset.FromUnixTimeSeconds(t.UnixTime).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IDictionary<string, object?> nested => new JsonObject(nested.Select(kv => KeyValuePair.Create(kv.Key, Value(kv.Value, depth + 1)))),
        IList list => new JsonArray([.. list.Cast<object?>().Select(v => Value(v, depth + 1))]),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
