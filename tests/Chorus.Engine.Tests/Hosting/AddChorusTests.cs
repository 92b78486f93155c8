using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chorus.Engine.Tests.Hosting;

/// <summary>Chorus composed as an application composes it: <c>services.AddChorus(...)</c> on a generic host.</summary>
public sealed class AddChorusTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-hosting-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_dir, "nested", "chorus.db");

    [Fact]
    public async Task Start_WithACommitBatchOfZero_StopsWithAMessageNamingTheOption()
    {
        using var host = Build(services => services.AddChorus(o => o with { CommitBatchSize = 0 }).UseSqlite(DatabasePath));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Invalid engine options: CommitBatchSize must be at least 1.", ex.Message);
    }

    [Fact]
    public async Task Start_WithoutAStore_SaysHowToChooseOne()
    {
        using var host = Build(services => services.AddChorus());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("UseSqlite, UsePostgres or UseStore", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseSqlite_CreatesTheDatabaseFileAsTheHostStarts()
    {
        using var host = Build(services => services.AddChorus().UseSqlite(DatabasePath, fullSync: false));
        Assert.False(File.Exists(DatabasePath));

        await host.StartAsync();

        Assert.True(File.Exists(DatabasePath));
        Assert.True(await host.Services.GetRequiredService<IExecutionReader>().PingAsync(CancellationToken.None));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddStep_HandlerIsCreatedByTheContainerWithTheApplicationsServices()
    {
        using var host = Build(services =>
        {
            services.AddSingleton(new Greeter("Bonjour"));
            services.AddChorus().UseSqlite(DatabasePath, fullSync: false).AddStep<GreetStep>();
        });
        await host.StartAsync();

        var execution = await RunToEndAsync(host, """
            {"name": "greet", "status": "active", "steps": [{"id": "hello", "type": "greet", "config": {}}]}
            """, new JsonObject { ["name"] = "Ada" });

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal("Bonjour Ada", execution.Context["hello"]?["greeting"]?.GetValue<string>());
        await host.StopAsync();
    }

    [Fact]
    public async Task HostedService_StartsTheEngineWithTheHostAndStopsItWithTheHost()
    {
        using var host = Build(services => services.AddChorus().UseSqlite(DatabasePath, fullSync: false));
        await host.StartAsync();
        var workflows = host.Services.GetRequiredService<WorkflowService>();
        var engine = host.Services.GetRequiredService<ChorusEngine>();
        var (workflow, _) = await workflows.CreateAsync(TenantId.Default, JsonNode.Parse("""
            {"name": "one step", "status": "active", "steps": [{"id": "out", "type": "output", "config": {"value": 1}}]}
            """)!.AsObject(), author: null, CancellationToken.None);

        var execution = await RunToEndAsync(host, workflow.Id, input: null);
        Assert.Equal(ExecutionStatus.Completed, execution.Status);

        await host.StopAsync();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.StartExecutionAsync(TenantId.Default, workflow.Id, null));
        Assert.Contains("stopping", ex.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Services);
        return builder.Build();
    }

    private static async Task<ExecutionRecord> RunToEndAsync(IHost host, string definition, JsonNode? input)
    {
        var (workflow, _) = await host.Services.GetRequiredService<WorkflowService>()
            .CreateAsync(TenantId.Default, JsonNode.Parse(definition)!.AsObject(), author: null, CancellationToken.None);
        return await RunToEndAsync(host, workflow.Id, input);
    }

    private static async Task<ExecutionRecord> RunToEndAsync(IHost host, Guid workflowId, JsonNode? input)
    {
        var engine = host.Services.GetRequiredService<ChorusEngine>();
        var started = await engine.StartExecutionAsync(TenantId.Default, workflowId, input);
        return await engine.WaitForAsync(TenantId.Default, started.Id, e => e.IsTerminal, TimeSpan.FromSeconds(15));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed record Greeter(string Word);

    /// <summary>A step type with a service in its constructor, as an application writes one.</summary>
    private sealed class GreetStep(Greeter greeter) : IStepHandler
    {
        public string Type => "greet";

        public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken) =>
            Task.FromResult<StepResult>(new StepResult.Completed(
                new JsonObject { ["greeting"] = $"{greeter.Word} {context.Data["input"]?["name"]?.GetValue<string>()}" }));
    }
}
