using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>RabbitMQ triggers: a durable queue read with manual acknowledgements. A message is acknowledged only
/// once its execution is committed, or once it is safely in the dead-letter queue <c>&lt;queue&gt;.dead</c>; a
/// message whose start failed for a passing reason goes back to the queue after a pause. The client's automatic
/// recovery reconnects a consumer whose broker went away; a consumer that could not connect at all tries again.</summary>
internal sealed partial class RabbitMqAdapter(ILogger<RabbitMqAdapter> logger) : IBrokerAdapter
{
    public const string KindName = "rabbitmq";
    public const string ReasonHeader = "x-chorus-reason";
    public const string CodeHeader = "x-chorus-error-code";
    public const string TriggerHeader = "x-chorus-trigger-id";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public string Kind => KindName;

    public IReadOnlyList<string> Fields => RabbitMqTriggerSettings.Fields;

    public bool IsConnectionUrl(string value) => RabbitMqConnections.IsUrl(value);

    public string UrlForm => "amqp://user:password@host:5672/vhost or amqps://...";

    public JsonObject Describe(JsonObject settings) =>
        new() { ["dead_letter_queue"] = RabbitMqTriggerSettings.FromJson(settings).DeadLetterQueue };

    public JsonObject Apply(JsonObject current, JsonObject body, Guid triggerId) => RabbitMqTriggerSettings.Apply(current, body, triggerId);

    public async Task ConsumeAsync(BrokerSubscription subscription, Func<BrokerMessage, CancellationToken, Task<BrokerVerdict>> handle, CancellationToken ct)
    {
        var settings = RabbitMqTriggerSettings.FromJson(subscription.Settings);
        var where = RabbitMqConnections.Describe(subscription.ConnectionUrl);
        var pause = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ConsumeOnceAsync(subscription, settings, handle, () => pause = TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCannotConsume(subscription.TriggerId, settings.Queue, where, ex.Message, pause.TotalSeconds);
            }
            try
            {
                await Task.Delay(pause, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Consumes until cancelled, or until the channel is closed by an error while the connection stays up (which
    /// the client's recovery does not repair), answering so the caller connects again.</summary>
    private async Task ConsumeOnceAsync(BrokerSubscription subscription, RabbitMqTriggerSettings settings,
        Func<BrokerMessage, CancellationToken, Task<BrokerVerdict>> handle, Action connected, CancellationToken ct)
    {
        var factory = RabbitMqConnections.Factory(subscription.ConnectionUrl, $"chorus trigger {subscription.TriggerId}");
        await using var connection = await factory.CreateConnectionAsync(ct).ConfigureAwait(false);
        await DeclareMissingAsync(connection, settings.Queue, ct).ConfigureAwait(false);
        await DeclareMissingAsync(connection, settings.DeadLetterQueue, ct).ConfigureAwait(false);
        // Starts run side by side up to the prefetch: the store groups their commits.
        var concurrency = (ushort)Math.Min(settings.Prefetch, 32);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: concurrency),
            ct).ConfigureAwait(false);
        await using var deadLetters = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct).ConfigureAwait(false);
        if (settings.Exchange is { } exchange)
            await channel.QueueBindAsync(settings.Queue, exchange, settings.RoutingKey, arguments: null, cancellationToken: ct).ConfigureAwait(false);
        await channel.BasicQosAsync(0, (ushort)settings.Prefetch, global: false, ct).ConfigureAwait(false);

        var delivery = new Delivery(this, subscription, settings, channel, deadLetters, handle, ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, args) => delivery.SettleAsync(args);
        await channel.BasicConsumeAsync(settings.Queue, autoAck: false, consumer, ct).ConfigureAwait(false);
        connected();
        LogConsuming(subscription.TriggerId, settings.Queue, RabbitMqConnections.Describe(subscription.ConnectionUrl), settings.Prefetch);
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            if (connection.IsOpen && (channel.IsClosed || deadLetters.IsClosed))
                throw new InvalidOperationException($"the channel was closed: {channel.CloseReason?.ReplyText ?? deadLetters.CloseReason?.ReplyText}");
        }
    }

    /// <summary>Declares the queue durable when it does not exist; an existing queue is used as it is (a quorum queue,
    /// one with its own arguments), since declaring it with other arguments would be refused.</summary>
    private static async Task DeclareMissingAsync(IConnection connection, string queue, CancellationToken ct)
    {
        await using (var probe = await connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            try
            {
                await probe.QueueDeclarePassiveAsync(queue, ct).ConfigureAwait(false);
                return;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
            }
        }
        await using var declare = await connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        await declare.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: ct).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ trigger {TriggerId}: consuming queue {Queue} at {Broker} (prefetch {Prefetch})")]
    private partial void LogConsuming(Guid triggerId, string queue, string broker, int prefetch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ trigger {TriggerId}: cannot consume queue {Queue} at {Broker}: {Reason}; trying again in {Seconds} s")]
    private partial void LogCannotConsume(Guid triggerId, string queue, string broker, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ trigger {TriggerId}: message {MessageId} sent to {DeadLetterQueue}: {Code}: {Reason}")]
    internal partial void LogDead(Guid triggerId, string? messageId, string deadLetterQueue, string code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ trigger {TriggerId}: message {MessageId} could not start ({Reason}); back to the queue in {Seconds} s")]
    internal partial void LogRetry(Guid triggerId, string? messageId, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RabbitMQ trigger {TriggerId}: message {MessageId} not settled ({Reason}); the broker delivers it again")]
    internal partial void LogUnsettled(Guid triggerId, string? messageId, string reason);

    /// <summary>Settles the deliveries of one channel.</summary>
    private sealed class Delivery(RabbitMqAdapter adapter, BrokerSubscription subscription, RabbitMqTriggerSettings settings, IChannel channel,
        IChannel deadLetters, Func<BrokerMessage, CancellationToken, Task<BrokerVerdict>> handle, CancellationToken ct)
    {
        private int _failures;

        public async Task SettleAsync(BasicDeliverEventArgs args)
        {
            var message = RabbitMqMessages.Read(args, settings.Queue);
            try
            {
                var verdict = await handle(message, ct).ConfigureAwait(false);
                switch (verdict)
                {
                    case BrokerVerdict.Started:
                        Interlocked.Exchange(ref _failures, 0);
                        await channel.BasicAckAsync(args.DeliveryTag, multiple: false, ct).ConfigureAwait(false);
                        break;
                    case BrokerVerdict.Dead dead:
                        await deadLetters.BasicPublishAsync("", settings.DeadLetterQueue, mandatory: true,
                            RabbitMqMessages.DeadLetter(args, dead, subscription.TriggerId), message.Body, ct).ConfigureAwait(false);
                        await channel.BasicAckAsync(args.DeliveryTag, multiple: false, ct).ConfigureAwait(false);
                        adapter.LogDead(subscription.TriggerId, message.MessageId, settings.DeadLetterQueue, dead.Code, dead.Reason);
                        break;
                    case BrokerVerdict.Retry retry:
                        var failures = Interlocked.Increment(ref _failures);
                        var pause = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 5))));
                        adapter.LogRetry(subscription.TriggerId, message.MessageId, retry.Reason, pause.TotalSeconds);
                        await Task.Delay(pause, ct).ConfigureAwait(false);
                        await channel.BasicNackAsync(args.DeliveryTag, multiple: false, requeue: true, ct).ConfigureAwait(false);
                        break;
                }
            }
            catch (Exception ex)
            {
                // Not acknowledged: the broker delivers it again (to this node once recovered, or to another), and the
                // start, keyed by the message, answers what a first delivery may have started. On a channel still open
                // (a dead letter refused), it is handed back now rather than held until the channel closes.
                adapter.LogUnsettled(subscription.TriggerId, message.MessageId, ex.Message);
                if (!ct.IsCancellationRequested && channel.IsOpen)
                    await NackQuietlyAsync(args.DeliveryTag).ConfigureAwait(false);
            }
        }

        private async Task NackQuietlyAsync(ulong deliveryTag)
        {
            try
            {
                await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException)
            {
            }
        }
    }
}
