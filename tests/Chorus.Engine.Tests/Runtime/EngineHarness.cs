using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Hosting;
using Chorus.Engine.Runtime;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Chorus.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>A real engine on a real SQLite file in a temp directory, with a manual clock and the test step
/// types registered beside the built-in ones. Every wait is bounded in real time.</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TenantId Tenant = new("t1");
    /// <summary>Where the clock starts: a fixed day, so schedules and dates in tests are predictable.</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly string _dir;

    private readonly IHost _host;

    private EngineHarness(string dir, IHost host, SqliteStore store, FakeTimeProvider clock, StepCallLog calls, BlockingStep blocker, GateStep gate)
    {
        _dir = dir;
        _host = host;
        Store = store;
        Engine = host.Services.GetRequiredService<ChorusEngine>();
        Clock = clock;
        Calls = calls;
        Blocker = blocker;
        Gate = gate;
    }

    public SqliteStore Store { get; }
    /// <summary>The SQLite file, for a test that must put a row there the engine would never write.</summary>
    public string DatabasePath => Path.Combine(_dir, "chorus.db");
    public ChorusEngine Engine { get; }
    public FakeTimeProvider Clock { get; }
    public StepCallLog Calls { get; }
    public BlockingStep Blocker { get; }
    public GateStep Gate { get; }

    /// <summary>Leases are long so that skipping time never hands a running step to another claim.</summary>
    /// <param name="engineStore">Wraps the store the engine writes through (fault injection); reads stay direct.</param>
    /// <param name="directory">The directory of an earlier harness's database, to start on its data (a restart).</param>
    public static async Task<EngineHarness> StartAsync(Func<EngineOptions, EngineOptions>? configure = null,
        Func<SqliteStore, IEngineStore>? engineStore = null, Action<IServiceCollection>? services = null, string? directory = null,
        Action<StepRegistry>? steps = null)
    {
        var dir = directory ?? Path.Combine(Path.GetTempPath(), "chorus-engine-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var store = await SqliteStore.OpenAsync(Path.Combine(dir, "chorus.db"), fullSync: false);
        var clock = new FakeTimeProvider(Start);
        var calls = new StepCallLog();
        var blocker = new BlockingStep(calls);
        var gate = new GateStep(calls);
        var options = new EngineOptions { LeaseDuration = TimeSpan.FromHours(1), WorkerConcurrency = 16 };
        options = configure?.Invoke(options) ?? options;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddChorus(_ => options).UseStore(store).ConfigureSteps(registry =>
        {
            registry.Register(new CountingStep(calls)).Register(new FlakyStep(calls)).Register(blocker).Register(gate).Register(new DeafStep(calls));
            steps?.Invoke(registry);
        });
        if (engineStore is not null)
            builder.Services.AddSingleton(engineStore(store));
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new EngineHarness(dir, host, store, clock, calls, blocker, gate);
    }

    public async Task<Guid> CreateWorkflowAsync(string json)
    {
        var service = new WorkflowService(Store, Engine.Registry, Clock);
        var (workflow, _) = await service.CreateAsync(Tenant, JsonNode.Parse(json)!.AsObject(), author: null, CancellationToken.None);
        return workflow.Id;
    }

    public async Task<Guid> StartAsync(Guid workflowId, JsonNode? input = null, ExecutionMode mode = ExecutionMode.Automatic) =>
        (await Engine.StartExecutionAsync(Tenant, workflowId, input, mode)).Id;

    public async Task<ExecutionRecord> GetAsync(Guid id) =>
        await Store.GetExecutionAsync(Tenant, id, CancellationToken.None) ?? throw new InvalidOperationException($"No execution {id}");

    public Task<IReadOnlyList<StepRunRecord>> RunsAsync(Guid id) => Store.GetStepRunsAsync(Tenant, id, CancellationToken.None);

    /// <summary>Waits (real time, bounded) until the execution satisfies <paramref name="done"/>. With
    /// <paramref name="nudge"/>, the clock creeps forward by 1 ms now and then, for a worker that computed its
    /// idle wait just before the test skipped time and so waits for a timer a hair in the future.</summary>
    public async Task<ExecutionRecord> WaitAsync(Guid id, Func<ExecutionRecord, bool> done, string what, bool nudge = true)
    {
        var clock = Stopwatch.StartNew();
        var polls = 0;
        while (true)
        {
            var current = await GetAsync(id);
            if (done(current))
                return current;
            if (clock.Elapsed > Bound)
                Assert.Fail($"Timed out waiting for {what}; execution is {current.Status}, error {current.Error?.ToJsonString()}");
            await Task.Delay(10);
            if (nudge && ++polls % 10 == 0)
                Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    public Task<ExecutionRecord> WaitForStatusAsync(Guid id, ExecutionStatus status, bool nudge = true) =>
        WaitAsync(id, e => e.Status == status, status.ToString(), nudge);

    /// <summary>Polls a condition in real time; bounded. <paramref name="nudge"/> as in <see cref="WaitAsync"/>.</summary>
    public Task WaitUntilAsync(Func<bool> condition, string what, bool nudge) => WaitUntilAsync(() => Task.FromResult(condition()), what, nudge);

    /// <summary>Polls a condition that may read the store, in real time; bounded.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, bool nudge)
    {
        var clock = Stopwatch.StartNew();
        var polls = 0;
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Bound, $"Timed out waiting for {what}");
            await Task.Delay(10);
            if (nudge && ++polls % 10 == 0)
                Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>The executions of a workflow, newest first as the store lists them.</summary>
    public async Task<IReadOnlyList<ExecutionRecord>> ExecutionsOfAsync(Guid workflowId) =>
        (await Store.ListExecutionsAsync(Tenant, new ExecutionQuery { WorkflowId = workflowId, Limit = 500 }, CancellationToken.None)).Items;

    /// <summary>Gives the engine a moment of real time to do something it should not do.</summary>
    public static Task QuietPeriodAsync() => Task.Delay(300);

    /// <summary>Stops this engine and closes its store, then starts a new engine on the same database, as a
    /// restarted process does (its clock starts again at <see cref="Start"/>). This harness is then disposed.</summary>
    public async Task<EngineHarness> RestartAsync(Func<SqliteStore, IEngineStore>? engineStore = null)
    {
        await StopAsync();
        return await StartAsync(engineStore: engineStore, directory: _dir);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private async Task StopAsync()
    {
        // The engine's grace period runs on the manual clock: skip it if steps are still running.
        var stop = Engine.DisposeAsync().AsTask();
        if (await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(2))) != stop)
            Clock.Advance(TimeSpan.FromSeconds(10));
        await stop.WaitAsync(TimeSpan.FromSeconds(15));
        await _host.StopAsync();
        _host.Dispose();
        await Store.DisposeAsync();
    }
}
