using System.Globalization;
using System.Text;
using Chorus.Engine.Storage;
using Chorus.Server.EventRelays;
using RabbitMQ.Client;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>Publishes relayed events to a topic exchange (EVENTS_RABBITMQ_URL, EVENTS_RABBITMQ_EXCHANGE) with publisher
/// confirms: the relay moves its cursor only once the broker confirmed every event of a batch. Persistent messages,
/// routing key <c>&lt;tenant&gt;.&lt;workflow id&gt;.&lt;event&gt;</c>, message id = the event's id (consumers dedupe on it),
/// the same JSON as Redis and the WebSocket. Executions go out side by side, but one execution's events one after the
/// other, each only once the one before it is confirmed: a failure mid-batch leaves the broker with a prefix of that
/// execution's events, and the batch sent again repeats that prefix before the rest, so after dropping repeated ids a
/// consumer sees every execution's events in order.</summary>
internal sealed class RabbitMqEventSink(RabbitMqEventsSettings settings) : IEventSink
{
    /// <summary>How long the broker may take to confirm a batch before the relay gives up and sends it again.</summary>
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private IConnection? _connection;
    private IChannel? _channel;

    public string RelayName => "rabbitmq";

    public string DisplayName => "RabbitMQ events";

    public static string RoutingKey(EventRecord evt) =>
        $"{evt.Tenant.Value}.{(evt.WorkflowId is { } workflow ? workflow.ToString() : "none")}.{evt.Type}";

    public async Task<string?> PublishAsync(IReadOnlyList<RelayedEvent> batch, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConfirmTimeout);
        try
        {
            // WaitAsync as well as the token: the client has been seen to wait forever for a confirm after the broker
            // restarted, token or not, and a relay stuck there would never send another event.
            var channel = await ChannelAsync(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(RelayedEventMessage.ByExecution(batch).Select(events => PublishInOrderAsync(channel, events, timeout.Token)))
                .WaitAsync(timeout.Token).ConfigureAwait(false);
            // Confirms count only from a connection still open after them: one that closed meanwhile (a broker killed
            // mid-batch) may have answered for messages it never kept. Sending the batch again costs duplicates, which
            // consumers drop by message id.
            if (!channel.IsOpen || _connection is not { IsOpen: true })
            {
                await DropAsync().ConfigureAwait(false);
                return $"{RabbitMqConnections.Describe(settings.Url)}: the connection closed while the batch was confirmed";
            }
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Whatever state the channel is in, the next batch starts on a new connection. Never the URL: it holds
            // the password.
            await DropAsync().ConfigureAwait(false);
            return ex is OperationCanceledException
                ? $"{RabbitMqConnections.Describe(settings.Url)} did not confirm within {ConfirmTimeout.TotalSeconds:0} s"
                : $"{RabbitMqConnections.Describe(settings.Url)}: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private async Task PublishInOrderAsync(IChannel channel, List<RelayedEvent> events, CancellationToken ct)
    {
        foreach (var relayed in events)
        {
            var evt = relayed.Event;
            var headers = new Dictionary<string, object?>
            {
                ["tenant_id"] = evt.Tenant.Value,
                ["event"] = evt.Type,
                ["sequence"] = relayed.Sequence,
            };
            if (evt.WorkflowId is { } workflow)
                headers["workflow_id"] = workflow.ToString();
            if (evt.ExecutionId is { } execution)
                headers["execution_id"] = execution.ToString();
            var properties = new BasicProperties
            {
                MessageId = evt.Id.ToString(CultureInfo.InvariantCulture),
                Type = evt.Type,
                ContentType = "application/json",
                Persistent = true,
                AppId = "chorus",
                Timestamp = new AmqpTimestamp(evt.At.ToUnixTimeSeconds()),
                Headers = headers,
            };
            // Not mandatory: an event no queue is bound for is dropped by the broker, as events are for nobody.
            await channel.BasicPublishAsync(settings.Exchange, RoutingKey(evt), mandatory: false, properties,
                Encoding.UTF8.GetBytes(RelayedEventMessage.Json(relayed)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The open channel, else a new connection and channel with the exchange declared (durable topic). No
    /// automatic recovery: the relay's retries with backoff are the recovery, and they resend in order.</summary>
    private async Task<IChannel> ChannelAsync(CancellationToken ct)
    {
        if (_channel is { IsOpen: true } open && _connection is { IsOpen: true })
            return open;
        await DropAsync().ConfigureAwait(false);
        var factory = RabbitMqConnections.Factory(settings.Url, "chorus events");
        factory.AutomaticRecoveryEnabled = false;
        factory.TopologyRecoveryEnabled = false;
        _connection = await factory.CreateConnectionAsync(ct).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true), ct).ConfigureAwait(false);
        await _channel.ExchangeDeclareAsync(settings.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct)
            .ConfigureAwait(false);
        return _channel;
    }

    private async Task DropAsync()
    {
        var (connection, channel) = (_connection, _channel);
        (_connection, _channel) = (null, null);
        try
        {
            // Bounded, for the same reason as the publish: closing a connection whose broker died may never finish.
            await CloseAsync(connection, channel).WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A connection to a broker that died may fail to close; it is gone either way.
        }
    }

    private static async Task CloseAsync(IConnection? connection, IChannel? channel)
    {
        if (channel is not null)
            await channel.DisposeAsync().ConfigureAwait(false);
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(DropAsync());
}
