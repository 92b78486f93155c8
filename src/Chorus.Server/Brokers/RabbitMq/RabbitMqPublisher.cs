using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Chorus.Server.Brokers.RabbitMq;

/// <summary>The <c>publish</c> step's connections, one per URL, kept between steps. A connection that failed is dropped and the
/// next publish opens a new one, rather than waiting for the client's recovery: a failed attempt is retried anyway.</summary>
internal sealed class RabbitMqPublisher : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IConnection>>> _connections = new(StringComparer.Ordinal);

    /// <summary>Publishes and waits for the broker's confirm; a nack, an unroutable message (mandatory) or a lost
    /// connection throws.</summary>
    public async Task PublishAsync(string url, string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body,
        bool mandatory, CancellationToken ct)
    {
        var (connection, entry) = await ConnectionAsync(url, ct).ConfigureAwait(false);
        try
        {
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct).ConfigureAwait(false);
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or BrokerUnreachableException or IOException || !connection.IsOpen)
        {
            Drop(url, entry, connection);
            throw;
        }
    }

    private async Task<(IConnection Connection, Lazy<Task<IConnection>> Entry)> ConnectionAsync(string url, CancellationToken ct)
    {
        var lazy = _connections.GetOrAdd(url, u => new Lazy<Task<IConnection>>(() => OpenAsync(u)));
        try
        {
            var connection = await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
            if (connection.IsOpen)
                return (connection, lazy);
            Drop(url, lazy, connection);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            _connections.TryRemove(KeyValuePair.Create(url, lazy));
            throw;
        }
        return await ConnectionAsync(url, ct).ConfigureAwait(false);
    }

    private static Task<IConnection> OpenAsync(string url)
    {
        var factory = RabbitMqConnections.Factory(url, "chorus publish");
        factory.AutomaticRecoveryEnabled = false;
        factory.TopologyRecoveryEnabled = false;
        return factory.CreateConnectionAsync(CancellationToken.None);
    }

    /// <summary>Forgets the entry only if it is still the one that failed: a concurrent publish may have replaced it.</summary>
    private void Drop(string url, Lazy<Task<IConnection>> entry, IConnection connection)
    {
        _connections.TryRemove(KeyValuePair.Create(url, entry));
        _ = Task.Run(async () =>
        {
            try { await connection.DisposeAsync().ConfigureAwait(false); } catch (Exception) { }
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _connections.Values)
        {
            if (!lazy.IsValueCreated || !lazy.Value.IsCompletedSuccessfully)
                continue;
            try
            {
                await using var connection = await lazy.Value.ConfigureAwait(false);
                await connection.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException)
            {
            }
        }
        _connections.Clear();
    }
}
