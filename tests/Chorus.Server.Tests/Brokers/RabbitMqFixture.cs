using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Brokers;

/// <summary>One real broker and one server for the tests of a class; the tests keep apart by their own tenants and queues.</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private RabbitMqProcess? _broker;
    private ChorusTestServer? _server;

    public RabbitMqProcess Broker => _broker ?? throw new InvalidOperationException("The broker has not started.");

    public ChorusTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _broker = await RabbitMqProcess.StartAsync();
        _server = await ChorusTestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        if (_broker is not null)
            await _broker.DisposeAsync();
    }
}
