using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Chorus.Server.Tests.Infrastructure;

/// <summary>What the tests do on a broker themselves: publish persistent messages with publisher confirms (trying again
/// while the broker is away), and read what a queue holds.</summary>
public sealed class RabbitMqClient(string url) : IAsyncDisposable
{
    private IConnection? _connection;

    public static byte[] Json(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString());

    /// <summary>Declares the durable queue, as the trigger would (same arguments), so messages can be sent before it starts.</summary>
    public async Task DeclareQueueAsync(string queue)
    {
        await using var channel = await ChannelAsync(confirms: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    }

    /// <summary>Declares the topic exchange as the server's event relay does (durable), and a durable queue bound to it
    /// with <paramref name="pattern"/>, so that the queue keeps every event routed to it from now on.</summary>
    public async Task BindQueueAsync(string queue, string exchange, string pattern)
    {
        await using var channel = await ChannelAsync(confirms: false);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, pattern);
    }

    /// <summary>Publishes one persistent message to the default exchange and waits for the confirm; retries until it is
    /// confirmed or <paramref name="patience"/> runs out.</summary>
    public async Task PublishAsync(string queue, byte[] body, string? messageId = null, string contentType = "application/json",
        IDictionary<string, object?>? headers = null, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            try
            {
                await using var channel = await ChannelAsync(confirms: true);
                var properties = new BasicProperties { Persistent = true, MessageId = messageId, ContentType = contentType, Headers = headers };
                await channel.BasicPublishAsync("", queue, mandatory: true, properties, body);
                return;
            }
            catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or PublishException
                                           or IOException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await DropAsync();
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Takes every message the queue holds now (acknowledging them); none when the queue does not exist yet.</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue)
    {
        var messages = new List<BasicGetResult>();
        try
        {
            await using var channel = await ChannelAsync(confirms: false);
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                messages.Add(message);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
        }
        return messages;
    }

    /// <summary>Waits until the queue holds at least <paramref name="count"/> messages, then takes them all.</summary>
    public async Task<List<BasicGetResult>> WaitForMessagesAsync(string queue, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var taken = new List<BasicGetResult>();
        while (true)
        {
            taken.AddRange(await DrainAsync(queue));
            if (taken.Count >= count || DateTime.UtcNow > deadline)
                return taken;
            await Task.Delay(100);
        }
    }

    /// <summary>Messages ready in the queue (not those a consumer holds unacknowledged).</summary>
    public async Task<uint> ReadyAsync(string queue)
    {
        await using var channel = await ChannelAsync(confirms: false);
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    public static string Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "";

    private async Task<IChannel> ChannelAsync(bool confirms)
    {
        if (_connection is not { IsOpen: true })
        {
            await DropAsync();
            var factory = new ConnectionFactory
            {
                Uri = new Uri(url), AutomaticRecoveryEnabled = false, RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ContinuationTimeout = TimeSpan.FromSeconds(5),
            };
            _connection = await factory.CreateConnectionAsync();
        }
        return await _connection.CreateChannelAsync(new CreateChannelOptions(confirms, confirms));
    }

    private async Task DropAsync()
    {
        if (_connection is null)
            return;
        try
        {
            await _connection.DisposeAsync();
        }
        catch (Exception)
        {
            // A connection to a killed broker may fail to close; it is gone either way.
        }
        _connection = null;
    }

    public ValueTask DisposeAsync() => new(DropAsync());
}
