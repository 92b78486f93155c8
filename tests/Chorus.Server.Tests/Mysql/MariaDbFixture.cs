using Chorus.Engine.Outbound;
using Chorus.Server.Mysql;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Mysql;

/// <summary>One real MariaDB and one server whose MYSQL_URL points at it, for the tests of a class. The server's outbound
/// policy lets steps reach 127.0.0.1, so that a tenant's own connection (a secret) reaches the same database.</summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    private MariaDbProcess? _database;
    private ChorusTestServer? _server;

    public MariaDbProcess Database => _database ?? throw new InvalidOperationException("MariaDB has not started.");

    public ChorusTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _database = await MariaDbProcess.StartAsync();
        await _database.ExecuteAsync(
            "CREATE TABLE shop.products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2) NOT NULL, " +
            "in_stock BOOLEAN NOT NULL, added DATE NOT NULL, notes TEXT NULL)",
            "INSERT INTO shop.products (name, price, in_stock, added, notes) VALUES " +
            "('Tea', 4.50, TRUE, '2026-01-05', NULL), ('Coffee', 9.90, TRUE, '2026-02-01', 'dark; roasted'), " +
            "('Cocoa', 6.00, FALSE, '2026-03-10', NULL), ('Mate', 7.25, TRUE, '2026-03-11', NULL), ('Chai', 5.10, TRUE, '2026-04-01', NULL)");
        var url = _database.Url;
        _server = await ChorusTestServer.StartAsync(configure: o => o with
        {
            Mysql = MysqlSettings.FromEnvironment(name => name == "MYSQL_URL" ? url : null),
            Engine = o.Engine with { OutboundHttp = new OutboundHttpOptions { AllowPrivate = true } },
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
