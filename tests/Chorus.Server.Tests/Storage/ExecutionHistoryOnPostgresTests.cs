using Chorus.Server.Hosting;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Storage;

/// <summary>Every history, diff and re-run test of <see cref="ExecutionHistoryTests"/> on a server over a real
/// PostgreSQL database, whose step runs are written in one batch per group commit.</summary>
public sealed class ExecutionHistoryOnPostgresTests : ExecutionHistoryTests
{
    private readonly Database _database = new();

    protected override async Task<ChorusTestServer> StartServerAsync(Func<ServerOptions, ServerOptions> configure)
    {
        await _database.InitializeAsync();
        return await ChorusTestServer.StartAsync(postgresUrl: _database.PublicUrl, configure: configure);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed class Database() : ThrowawayPostgresDatabase("chorus_history")
    {
        public string PublicUrl => Url;
    }
}
