using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Storage.Tests.Postgres;

/// <summary><c>AddChorus(...).UsePostgres(url)</c>: the store is opened and migrated as the host starts, runs
/// executions, and its connections are closed with the host.</summary>
public sealed class UsePostgresTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();
    private string _url = "";

    public async Task InitializeAsync() => _url = await _database.CreateAsync();

    public Task DisposeAsync() => _database.DropAllAsync();

    [Fact]
    public async Task UsePostgres_OpensTheStoreAtStartAndRunsAnExecution()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddChorus(o => o with { NodeId = "embedded" }).UsePostgres(_url);
        using var host = builder.Build();
        await host.StartAsync();

        Assert.IsType<PostgresStore>(host.Services.GetRequiredService<IChorusStore>());
        var (workflow, _) = await host.Services.GetRequiredService<WorkflowService>().CreateAsync(TenantId.Default, JsonNode.Parse("""
            {"name": "one step", "status": "active", "steps": [{"id": "out", "type": "output", "config": {"value": 42}}]}
            """)!.AsObject(), ct: CancellationToken.None);
        var engine = host.Services.GetRequiredService<ChorusEngine>();
        var started = await engine.StartExecutionAsync(TenantId.Default, workflow.Id, null);
        var ended = await engine.WaitForAsync(TenantId.Default, started.Id, e => e.IsTerminal, TimeSpan.FromSeconds(20));

        Assert.Equal(ExecutionStatus.Completed, ended.Status);
        Assert.Equal(1L, await PostgresTestDatabase.ScalarAsync(_url, "SELECT COUNT(*) FROM workflow.instances WHERE status = 'completed'"));
        await host.StopAsync();
    }
}
