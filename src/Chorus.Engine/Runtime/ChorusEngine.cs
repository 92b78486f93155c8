using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Events;
using Chorus.Engine.Outbound;
using Chorus.Engine.Steps;
using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Engine.Runtime;

/// <summary>The engine of one process: starts executions, applies operations to them, and runs their steps
/// in the background until they end. An application gets it from <c>services.AddChorus(...)</c>, whose hosted
/// service starts it with the host.</summary>
public sealed partial class ChorusEngine : IAsyncDisposable, IEventPublisher
{
    private readonly IEngineStore _store;
    private readonly IExecutionReader _reader;
    private readonly IWorkflowStore _workflows;
    private readonly GraphCache _graphs = new();
    private readonly Committer _committer;
    private readonly ExecutionCommands _commands;
    private readonly Worker _worker;
    private readonly StepInvoker _invoker;
    private readonly NodeGauges _gauges;
    private readonly EngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly OutboundHttp? _ownHttp;
    private Task _committerLoop = Task.CompletedTask;
    private Task _workerLoop = Task.CompletedTask;
    private Task _listening = Task.CompletedTask;
    private bool _started;

    /// <summary>Composed by <see cref="Hosting.ChorusServiceCollectionExtensions.AddChorus"/>, which also starts and stops it.</summary>
    internal ChorusEngine(IEngineStore store, IWorkflowStore workflows, IExecutionReader reader, StepRegistry registry,
        EngineOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null, OutboundHttp? http = null,
        ISecretResolver? secrets = null, ITenantQuotas? quotas = null, IPayloadOffload? payloads = null)
    {
        EngineOptionsValidation.Validate(options);
        _reader = reader;
        _workflows = workflows;
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<ChorusEngine>();
        Registry = registry;
        var signal = new WorkSignal();
        _committer = new Committer(store, Events, options, _time, loggers.CreateLogger<Committer>());
        // Built from the options unless given, so no engine calls out without the outbound policy.
        _ownHttp = http is null ? new OutboundHttp(options.OutboundHttp) : null;
        var services = new StepServices(_time, http ?? _ownHttp!, registry);
        var invoker = new StepInvoker(reader, workflows, _graphs, registry, services, options, _time, loggers.CreateLogger<StepInvoker>(), secrets, payloads);
        _invoker = invoker;
        _commands = new ExecutionCommands(_graphs, options, _time, quotas ?? new NoTenantQuotas(), invoker);
        _committer.RunPureSteps = _commands.RunPureStepsAsync;
        ScheduleCommands = new ScheduleCommands(_commands, _graphs, _time, loggers.CreateLogger<ScheduleCommands>());
        _worker = new Worker(_committer, _commands, ScheduleCommands, invoker, signal, options, _time, loggers.CreateLogger<Worker>());
        _committer.OnLocalWork = _worker.EnqueueLocal;
        _committer.LocalCapacity = () => _worker.FreeCapacity;
        _committer.OnStoreWork = _worker.NotifyStoreWork;
        _gauges = new NodeGauges(options.NodeId, _worker, reader, _time, _logger);
        StorageHealth = new StorageHealth(_time);
        _committer.OnStorageFault = StorageHealth.Report;
    }

    public EventHub Events { get; } = new();

    /// <summary>The storage fault the engine last met, until a write succeeds again (readiness reads it).</summary>
    public StorageHealth StorageHealth { get; }
    public StepRegistry Registry { get; }
    public EngineOptions Options => _options;
    internal ScheduleCommands ScheduleCommands { get; }

    /// <summary>Starts committing and working. Work left by a previous process of an embedded store is
    /// reclaimed at once (<see cref="StoreCapabilities.ForeignLeasesAbandonedAtStart"/>); pending executions are
    /// admitted where slots are free.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (_started)
            return;
        _started = true;
        _committerLoop = Task.Run(() => _committer.RunLoopAsync(_stopping.Token), CancellationToken.None);
        if (_store.Capabilities.ForeignLeasesAbandonedAtStart)
            await _committer.RunAsync(async s => { await s.Tx.ReleaseLeasesNotOwnedByAsync(_options.NodeId).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
        await _committer.RunAsync(async s => { await _commands.AdmitPendingOnStartupAsync(s).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
        _workerLoop = Task.Run(() => _worker.RunLoopAsync(_stopping.Token), CancellationToken.None);
        _listening = Task.WhenAll(
            Task.Run(() => _store.ListenForWorkAsync(_worker.NotifyStoreWork, _stopping.Token), CancellationToken.None),
            Task.Run(() => _store.ListenForEventsAsync(Events.Publish, () => Events.Wanted, _stopping.Token), CancellationToken.None),
            Task.Run(() => PruneIdempotencyKeysLoopAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => _gauges.SampleLoopAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>Stops claiming work, lets running steps finish within <paramref name="grace"/>, commits what they
    /// produced, then stops. Steps still running after that are handed back when their leases expire.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_started || _stopping.IsCancellationRequested)
            return;
        _worker.StopClaiming();
        try { await _workerLoop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        await _worker.DrainAsync(grace).ConfigureAwait(false);
        // The committer finishes what the drained steps queued, then stops.
        _committer.Complete();
        await _committerLoop.ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _listening.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _stopping.Dispose();
        _ownHttp?.Dispose();
    }

    /// <summary>Completes once everything this engine committed before the call is released: its events published.
    /// A reader of the store may see a commit before that (the embedded store writes it before it is on disk, see
    /// <see cref="StoreCapabilities.CommitsSyncedLater"/>): waiting for this after a read means every event of what
    /// the read saw has gone out.</summary>
    public Task WaitForCommittedEventsAsync(CancellationToken ct) => _committer.RunAsync(_ => Task.FromResult(true), ct);

    /// <summary>Starts an execution of the workflow's current version and returns at once; the steps run in
    /// the background. The workflow must be active unless <paramref name="isTest"/>.</summary>
    public async Task<ExecutionRecord> StartExecutionAsync(TenantId tenant, Guid workflowId, JsonNode? input,
        ExecutionMode mode = ExecutionMode.Automatic, bool isTest = false, CancellationToken ct = default) =>
        (await StartExecutionAsync(tenant, workflowId, input, mode, isTest, idempotency: null, ct).ConfigureAwait(false)).Execution;

    /// <summary>Starts an execution as <see cref="StartExecutionAsync(TenantId, Guid, JsonNode?, ExecutionMode, bool, CancellationToken)"/>
    /// does; given an idempotency key, a repeat of the same request within <see cref="IdempotencyWindow"/> answers the
    /// execution the first one started (<see cref="StartOutcome.Replayed"/>) instead of starting another.</summary>
    public Task<StartOutcome> StartExecutionAsync(TenantId tenant, Guid workflowId, JsonNode? input,
        ExecutionMode mode, bool isTest, IdempotentStart? idempotency, CancellationToken ct = default) =>
        StartOrCreateAsync(tenant, workflowId, input, mode, isTest, idempotency, trigger: null, deferred: false, ct);

    /// <summary>Starts an execution as the overload without <paramref name="trigger"/> does, recording what started it
    /// (a webhook call: its trigger id and the headers it keeps) in the context as <c>trigger</c>.</summary>
    public Task<StartOutcome> StartExecutionAsync(TenantId tenant, Guid workflowId, JsonNode? input,
        ExecutionMode mode, bool isTest, IdempotentStart? idempotency, JsonObject? trigger, CancellationToken ct = default) =>
        StartOrCreateAsync(tenant, workflowId, input, mode, isTest, idempotency, trigger, deferred: false, ct);

    /// <summary>Writes an execution of the workflow's current version as <see cref="ExecutionStatus.Created"/>,
    /// checked like a start (active workflow, input schema, idempotency key) but not started: it runs nothing and
    /// holds no slot until <see cref="StartCreatedAsync"/>. It is stored like every execution, so it survives a restart.</summary>
    public Task<StartOutcome> CreateExecutionAsync(TenantId tenant, Guid workflowId, JsonNode? input,
        ExecutionMode mode, IdempotentStart? idempotency, CancellationToken ct = default) =>
        StartOrCreateAsync(tenant, workflowId, input, mode, isTest: false, idempotency, trigger: null, deferred: true, ct);

    /// <summary>Starts an execution <see cref="CreateExecutionAsync"/> wrote, through admission: running when a slot
    /// is free, else pending until one is. An execution in any other status (already started) is a conflict.</summary>
    public Task<ExecutionRecord> StartCreatedAsync(TenantId tenant, Guid id, CancellationToken ct = default) =>
        ApplyAsync(s => _commands.StartCreatedAsync(s, tenant, id), ct);

    private async Task<StartOutcome> StartOrCreateAsync(TenantId tenant, Guid workflowId, JsonNode? input,
        ExecutionMode mode, bool isTest, IdempotentStart? idempotency, JsonObject? trigger, bool deferred, CancellationToken ct)
    {
        ExecutionCommands.CheckIncoming(input, "execution input", _options.Limits);
        // A repeat answers what the first request started, even if the workflow changed or was archived since.
        if (idempotency is not null && await FindReplayAsync(tenant, workflowId, idempotency, ct).ConfigureAwait(false) is { } replayed)
            return replayed;
        var (version, graph) = await StartableVersionAsync(tenant, workflowId, versionNumber: null, input, isTest, ct).ConfigureAwait(false);
        var request = new ExecutionCommands.StartRequest
        {
            Tenant = tenant, Version = version, Graph = graph, Input = input, Mode = mode, IsTest = isTest, Deferred = deferred,
            Trigger = trigger,
        };
        if (idempotency is null)
            return new StartOutcome(await ApplyAsync(s => _commands.StartAsync(s, request), ct).ConfigureAwait(false), Replayed: false);
        return await StartOnceAsync(request, idempotency, ct).ConfigureAwait(false);
    }

    /// <summary>The version a new execution runs (the current one unless <paramref name="versionNumber"/> names
    /// another), checked as every start is: the workflow exists and is active (a test run starts any), and the input
    /// matches the version's input schema.</summary>
    private async Task<(WorkflowVersionRecord Version, WorkflowGraph Graph)> StartableVersionAsync(TenantId tenant, Guid workflowId,
        int? versionNumber, JsonNode? input, bool isTest, CancellationToken ct, bool checkInput = true)
    {
        var workflow = await _workflows.GetWorkflowAsync(tenant, workflowId, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {workflowId} does not exist.");
        if (!isTest && workflow.Status != WorkflowStatus.Active)
            throw new ChorusException(ErrorCodes.Conflict, $"Workflow {workflowId} is {workflow.Status.ToString().ToLowerInvariant()}; only active workflows start.",
                new JsonObject { ["status"] = workflow.Status.ToString().ToLowerInvariant() });
        var number = versionNumber ?? workflow.CurrentVersion;
        var version = await _workflows.GetVersionAsync(tenant, workflowId, number, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.WorkflowNotFound, $"Workflow {workflowId} has no version {number}.");
        var graph = await _graphs.GetAsync(tenant, workflowId, version.Number, () => Task.FromResult<WorkflowVersionRecord?>(version)).ConfigureAwait(false);
        if (checkInput)
            InputValidation.Check(graph.Definition.InputSchema, input);
        return (version, graph);
    }

    /// <summary>Runs an ended execution again from its first step, as a new execution with the same input, mode and
    /// trigger, on the version it ran or, with <paramref name="latestVersion"/>, on the workflow's current one. The
    /// original stays as it ended, with a log line naming the new execution. (<see cref="RetryAsync"/> instead goes on
    /// from the failed step, in the same execution.)</summary>
    public async Task<ExecutionRecord> RerunAsync(TenantId tenant, Guid id, bool latestVersion, CancellationToken ct = default)
    {
        var original = await _reader.GetExecutionAsync(tenant, id, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");
        if (original.Status is not (ExecutionStatus.Completed or ExecutionStatus.Failed or ExecutionStatus.Cancelled))
            throw new ChorusException(ErrorCodes.Conflict,
                $"Execution {id} is {original.Status.ToString().ToLowerInvariant()}; only an ended execution runs again from the start.",
                new JsonObject { ["status"] = original.Status.ToString().ToLowerInvariant() });
        if (original.ParentExecutionId is { } parent)
            throw new ChorusException(ErrorCodes.Conflict, $"Execution {id} is a subflow of execution {parent}: run that one again.",
                new JsonObject { ["parent_execution_id"] = parent.ToString() });
        var (version, graph) = await StartableVersionAsync(tenant, original.WorkflowId, latestVersion ? null : original.WorkflowVersion,
            original.Input, original.IsTest, ct).ConfigureAwait(false);
        var request = new ExecutionCommands.StartRequest
        {
            Tenant = tenant, Version = version, Graph = graph, Input = original.Input, Mode = original.Mode, IsTest = original.IsTest,
            Trigger = original.Context["trigger"]?.DeepClone() as JsonObject,
        };
        return await ApplyAsync(s => _commands.RerunAsync(s, request, original), ct).ConfigureAwait(false);
    }

    public Task<ExecutionRecord> PauseAsync(TenantId tenant, Guid id, CancellationToken ct = default) =>
        ApplyAsync(s => _commands.PauseAsync(s, tenant, id), ct);

    public Task<ExecutionRecord> ResumeAsync(TenantId tenant, Guid id, CancellationToken ct = default) =>
        ApplyAsync(s => _commands.ResumeAsync(s, tenant, id), ct);

    public async Task<ExecutionRecord> CancelAsync(TenantId tenant, Guid id, CancellationToken ct = default)
    {
        var execution = await ApplyAsync(s => _commands.CancelAsync(s, tenant, id), ct).ConfigureAwait(false);
        _worker.CancelExecution(id);
        return execution;
    }

    public Task<ExecutionRecord> RetryAsync(TenantId tenant, Guid id, CancellationToken ct = default) =>
        ApplyAsync(s => _commands.RetryAsync(s, tenant, id), ct);

    /// <summary>Goes on from the failed step as <see cref="RetryAsync"/> does, on the workflow's current version: the
    /// execution moves there first by the rules of a migration (<see cref="MigrateAsync"/>), its failed steps mapped by
    /// id or by <paramref name="mapping"/>; one that cannot move is a conflict naming the reason.</summary>
    public Task<ExecutionRecord> RetryOnLatestAsync(TenantId tenant, Guid id, IReadOnlyDictionary<string, string> mapping, CancellationToken ct = default) =>
        ApplyAsync(s => _commands.RetryOnLatestAsync(s, tenant, id, mapping), ct);

    /// <summary>The event's data becomes the waiting step's output, so it is held to the same JSON budget.</summary>
    public Task<ExecutionRecord> SendEventAsync(TenantId tenant, Guid id, string name, JsonNode? data, CancellationToken ct = default)
    {
        ExecutionCommands.CheckIncoming(data, "event data", _options.Limits);
        return ApplyAsync(s => _commands.SendEventAsync(s, tenant, id, name, data), ct);
    }

    /// <summary>Resumes the step <paramref name="stepId"/> if it waits for an event at <paramref name="attempt"/>;
    /// a conflict otherwise. Its data becomes the step's output, held to the JSON budget like an event's.</summary>
    public Task<ExecutionRecord> ResumeWaitingStepAsync(TenantId tenant, Guid id, string stepId, int attempt, JsonNode? data, CancellationToken ct = default)
    {
        ExecutionCommands.CheckIncoming(data, "event data", _options.Limits);
        return ApplyAsync(s => _commands.ResumeWaitingStepAsync(s, tenant, id, stepId, attempt, data), ct);
    }

    public Task<ExecutionRecord> SubmitInputAsync(TenantId tenant, Guid id, string? stepId, JsonNode? data, CancellationToken ct = default)
    {
        ExecutionCommands.CheckIncoming(data, "manual input", _options.Limits);
        return ApplyAsync(s => _commands.SubmitInputAsync(s, tenant, id, stepId, data), ct);
    }

    /// <summary>Manual mode: runs the next step and waits (up to <paramref name="wait"/>) until it is committed.</summary>
    public async Task<ExecutionRecord> AdvanceAsync(TenantId tenant, Guid id, TimeSpan wait, CancellationToken ct = default)
    {
        var before = await ApplyAsync(s => _commands.AdvanceAsync(s, tenant, id), ct).ConfigureAwait(false);
        var finishedBefore = before.State.FinishedCount;
        return await WaitForAsync(tenant, id, e => e.IsTerminal || e.State.FinishedCount > finishedBefore || e.Status == ExecutionStatus.Waiting, wait, ct).ConfigureAwait(false);
    }

    /// <summary>Waits until the execution satisfies <paramref name="done"/> or the time is up; returns its latest state.</summary>
    public async Task<ExecutionRecord> WaitForAsync(TenantId tenant, Guid id, Func<ExecutionRecord, bool> done, TimeSpan timeout, CancellationToken ct = default)
    {
        var changed = new SemaphoreSlim(0);
        using var subscription = Events.Subscribe(evt =>
        {
            if (evt.ExecutionId == id)
                changed.Release();
        });
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        while (true)
        {
            var current = await _reader.GetExecutionAsync(tenant, id, ct).ConfigureAwait(false)
                ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");
            if (done(current) || timeoutCts.IsCancellationRequested)
                return current;
            try
            {
                await changed.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Commits an event that no execution change carries (a saved workflow) and delivers it like every
    /// other: written to the outbox, announced to the other nodes, then handed to this node's subscribers. The
    /// change it reports is already saved, so a failure here is logged rather than failing the caller.</summary>
    async Task IEventPublisher.PublishAsync(EventRecord evt)
    {
        try
        {
            await _committer.RunAsync(async s => { await s.AddEventAsync(evt).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Event {Type} of workflow {WorkflowId} was not published", evt.Type, evt.WorkflowId);
        }
    }

    /// <summary>Runs an operation in the committer: it commits with others, in its own savepoint.</summary>
    internal Task<T> CommitAsync<T>(Func<CommitScope, Task<T>> operation, CancellationToken ct) => _committer.RunAsync(operation, ct);

    /// <summary>Runs an operation in the committer, then the pure steps it scheduled, and hands back a copy of the
    /// execution as it commits, taken on the committer's thread before anything else can change the committer's own instance.</summary>
    private Task<ExecutionRecord> ApplyAsync(Func<CommitScope, Task<ExecutionRecord>> operation, CancellationToken ct) =>
        _committer.RunAsync(async s =>
        {
            var execution = await operation(s).ConfigureAwait(false);
            await _commands.RunPureStepsAsync(s).ConfigureAwait(false);
            return execution.Copy();
        }, ct);

    private sealed record StepServices(TimeProvider Time, OutboundHttp Http, StepRegistry Registry) : IStepServices;
}
