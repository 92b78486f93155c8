using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Expressions;
using Chorus.Engine.History;
using Chorus.Engine.Steps;
using Chorus.Engine.Steps.Remote;
using Chorus.Engine.Storage;
using Microsoft.Extensions.Logging;
using Chorus.Engine.Telemetry;

namespace Chorus.Engine.Runtime;

/// <summary>Runs one attempt of a step's handler: builds its context, enforces the step timeout, keeps the
/// lease alive while it runs, and turns every exception into a <see cref="StepResult.Failed"/>.</summary>
internal sealed class StepInvoker(
    IExecutionReader reader,
    IWorkflowStore workflows,
    GraphCache graphs,
    StepRegistry registry,
    IStepServices services,
    EngineOptions options,
    TimeProvider time,
    ILogger logger,
    ISecretResolver? secretResolver = null,
    IPayloadOffload? payloads = null)
{
    /// <summary>Null when the work is no longer wanted (execution gone or ended, step already decided).</summary>
    /// <param name="known">The execution as the commit that scheduled this item left it; null to read it.</param>
    public async Task<ExecutionCommands.StepOutcome?> RunAsync(WorkItem item, ExecutionSnapshot? known, Func<Task<bool>> heartbeat, CancellationToken ct)
    {
        var execution = known ?? await ReadAsync(item, ct).ConfigureAwait(false);
        if (execution is null)
            return null;
        var graph = await graphs.GetAsync(execution.Tenant, execution.WorkflowId, execution.WorkflowVersion,
            () => workflows.GetVersionAsync(execution.Tenant, execution.WorkflowId, execution.WorkflowVersion, ct)).ConfigureAwait(false);
        var step = graph.Step(item.Step);
        var startedAt = time.GetUtcNow();
        if (execution.Stub(step.Id) is { } stub)
            return Stubbed(item, stub, startedAt);
        StepSecrets? secrets;
        try
        {
            secrets = await StepSecrets.ResolveAsync(secretResolver, execution.Tenant, step.Config, ct).ConfigureAwait(false);
        }
        catch (StepConfigurationException ex)
        {
            return SecretsFailed(item, step, startedAt, new StepResult.Failed(ErrorCodes.StepConfigurationError, ex.Message, Retryable: false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store holding the secrets could not be read: another attempt may succeed.
            logger.LogWarning("The secrets of step {StepId} of execution {ExecutionId} could not be read: {Exception}", step.Id, execution.Id, ex.GetType().Name);
            return SecretsFailed(item, step, startedAt, new StepResult.Failed(ErrorCodes.WorkflowExecutionError,
                $"The secrets of step '{step.Id}' could not be read.", Retryable: true));
        }
        var context = NewContext(execution.Tenant, execution.Id, execution.WorkflowId, execution.IsTest, execution.Context(),
            execution.LoopIterations, graph, step, item.Attempt, secrets);
        var result = await InvokeTracedAsync(context, execution.TraceParent, heartbeat, ct).ConfigureAwait(false);
        if (secrets is null)
        {
            return new ExecutionCommands.StepOutcome
            {
                Item = item,
                Result = await OffloadAsync(execution, step, item.Attempt, result, ct).ConfigureAwait(false),
                StartedAt = startedAt,
                Input = SafeConfig(context),
                Logs = context.Logs,
                LoopIterations = context.Loops.Taken,
            };
        }
        // Nothing that leaves the attempt may hold a value: the input saved is the config with its placeholders,
        // and whatever echoes a value (a response, an error, a log line, an offloaded output) shows "[secret]" instead.
        return new ExecutionCommands.StepOutcome
        {
            Item = item,
            Result = await OffloadAsync(execution, step, item.Attempt, secrets.Redact(result), ct).ConfigureAwait(false),
            StartedAt = startedAt,
            Input = step.Config.DeepClone(),
            Logs = secrets.Redact(context.Logs),
            LoopIterations = context.Loops.Taken,
        };
    }

    /// <summary>Whether a step may run inside the commit that decided it: its handler declares it pure (no side effect,
    /// nothing waited for) and its config reads no secret, whose lookup is a read of its own.</summary>
    public bool IsPure(StepDefinition step) =>
        registry.TryGet(step.Type, out var handler) && handler.IsPure(step) && StepSecrets.Referenced(step.Config).Count == 0;

    /// <summary>Runs an attempt of a pure step on the execution as the committer holds it, inside its commit.
    /// Null when the output is too large to keep in the context: the offload writes a file of its own, so that
    /// step runs from a work item instead (being pure, running it again changes nothing).</summary>
    public async Task<ExecutionCommands.StepOutcome?> RunPureAsync(ExecutionRecord execution, WorkflowGraph graph, StepDefinition step, int attempt)
    {
        var startedAt = time.GetUtcNow();
        var item = new WorkItem { Tenant = execution.Tenant, ExecutionId = execution.Id, StepId = step.Id, Kind = WorkItemKind.Run, Attempt = attempt, DueAt = startedAt };
        if (execution.State.Stubs?.GetValueOrDefault(step.Id) is { } stub)
            return Stubbed(item, (JsonObject)stub.DeepClone(), startedAt);
        var context = NewContext(execution.Tenant, execution.Id, execution.WorkflowId, execution.IsTest, (JsonObject)execution.Context.DeepClone(),
            execution.State.LoopIterations, graph, step, attempt, secrets: null);
        var result = await InvokeTracedAsync(context, execution.State.TraceParent, heartbeat: null, CancellationToken.None).ConfigureAwait(false);
        if (payloads is { ThresholdBytes: > 0 and var threshold } && result is StepResult.Completed { Output: { } output }
            && JsonBudget.Of(output, threshold, options.Limits.MaxJsonDepth).Verdict == JsonBudget.Verdict.TooLarge)
            return null;
        return new ExecutionCommands.StepOutcome
        {
            Item = item,
            Result = result,
            StartedAt = startedAt,
            Input = SafeConfig(context),
            Logs = context.Logs,
            LoopIterations = context.Loops.Taken,
        };
    }

    /// <summary>The outcome of a step a re-run gives its recorded result for: the handler does not run, so nothing
    /// outside the execution sees it.</summary>
    private static ExecutionCommands.StepOutcome Stubbed(WorkItem item, JsonObject stub, DateTimeOffset startedAt) => new()
    {
        Item = item,
        Result = StepStub.Result(stub),
        StartedAt = startedAt,
        Input = stub["input"]?.DeepClone(),
        Logs = [new StepLogEntry("info", StepStub.LogMessage, null)],
    };

    /// <summary>Whether a re-run gives the step's recorded result instead of running it.</summary>
    public static bool IsStubbed(ExecutionRecord execution, string stepId) => execution.State.Stubs?.ContainsKey(stepId) == true;

    private StepExecutionContext NewContext(TenantId tenant, Guid executionId, Guid workflowId, bool isTest, JsonObject data,
        long loopIterations, WorkflowGraph graph, StepDefinition step, int attempt, StepSecrets? secrets) => new()
    {
        Tenant = tenant,
        ExecutionId = executionId,
        WorkflowId = workflowId,
        Step = step,
        Attempt = attempt,
        Data = data,
        Predecessors = graph.Predecessors(step.Id),
        Services = services,
        IsTest = isTest,
        Limits = options.Limits,
        Loops = new LoopBudget(loopIterations, options.Limits.MaxLoopIterations),
        Secrets = secrets,
    };

    /// <summary>One attempt in its trace span and log scope.</summary>
    private async Task<StepResult> InvokeTracedAsync(StepExecutionContext context, string? traceParent, Func<Task<bool>>? heartbeat, CancellationToken ct)
    {
        var step = context.Step;
        using var span = EngineTracing.StartAttempt(traceParent, step.Type, step.Id, context.Attempt, context.ExecutionId);
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ExecutionId"] = context.ExecutionId, ["StepId"] = step.Id, ["TraceId"] = span?.TraceId.ToHexString(),
        });
        var result = await InvokeAsync(context, heartbeat, ct).ConfigureAwait(false);
        if (result is StepResult.Failed failed)
            EngineTracing.Failed(span, failed.Code, failed.Message);
        return result;
    }

    /// <summary>A completed output over the offload threshold, handed to the application to keep elsewhere; the result
    /// then carries the reference it gave back. Measuring stops at the threshold, so a small output costs one short walk.</summary>
    private async Task<StepResult> OffloadAsync(ExecutionSnapshot execution, StepDefinition step, int attempt, StepResult result, CancellationToken ct)
    {
        if (payloads is not { ThresholdBytes: > 0 and var threshold } || result is not StepResult.Completed { Output: { } output } done
            || JsonBudget.Of(output, threshold, options.Limits.MaxJsonDepth).Verdict != JsonBudget.Verdict.TooLarge)
            return result;
        try
        {
            return done with { Output = await payloads.OffloadAsync(new StepOutput(execution.Tenant, execution.Id, step.Id, attempt, output), ct).ConfigureAwait(false) };
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("The output of step {StepId} of execution {ExecutionId} could not be stored: {Exception}", step.Id, execution.Id, ex.GetType().Name);
            return new StepResult.Failed(ErrorCodes.WorkflowExecutionError, $"The output of step '{step.Id}' is larger than {threshold} bytes and could not be stored apart from the execution.");
        }
    }

    /// <summary>The outcome of an attempt whose secrets could not be resolved: the handler never ran, and the saved
    /// input is the config with its placeholders, as always for a step with secrets.</summary>
    private static ExecutionCommands.StepOutcome SecretsFailed(WorkItem item, StepDefinition step, DateTimeOffset startedAt, StepResult.Failed failure) => new()
    {
        Item = item,
        Result = failure,
        StartedAt = startedAt,
        Input = step.Config.DeepClone(),
    };

    /// <summary>Reads the execution of a claimed item; null when the work is no longer wanted.</summary>
    private async Task<ExecutionSnapshot?> ReadAsync(WorkItem item, CancellationToken ct)
    {
        var e = await reader.GetExecutionAsync(item.Tenant, item.ExecutionId, ct).ConfigureAwait(false);
        if (e is null || e.IsTerminal ||
            !e.State.Steps.TryGetValue(item.Step, out var state) || state.Attempt != item.Attempt || state.Status != StepStatus.Scheduled)
            return null;
        return ExecutionSnapshot.Of(e);
    }

    /// <param name="heartbeat">Renews the attempt's lease; null for an attempt run inside a commit, which holds no lease.</param>
    private async Task<StepResult> InvokeAsync(StepExecutionContext context, Func<Task<bool>>? heartbeat, CancellationToken ct)
    {
        if (!registry.TryGet(context.Step.Type, out var handler))
        {
            // Saved while a service offered it: with a service down now, the step may run again once it is back.
            return registry.External is { AnyUnreachable: true } external
                ? new StepResult.Failed(RemoteStepCatalog.ExternalServiceError,
                    $"No steps service offers step type '{context.Step.Type}' now. {external.DescribeServices()}", Retryable: true)
                : new StepResult.Failed(ErrorCodes.StepConfigurationError, $"Unknown step type '{context.Step.Type}'.", Retryable: false);
        }
        var timeout = context.Step.Timeout ?? options.StepTimeout;
        // Validation refuses longer ones; a definition saved before it must fail its step, not throw from here.
        if (timeout > DurationLimits.MaxStepTimeout)
            return new StepResult.Failed(ErrorCodes.StepConfigurationError,
                $"Step '{context.Step.Id}' has a timeout of {timeout.TotalSeconds:0} s; at most {DurationLimits.Describe(DurationLimits.MaxStepTimeout)}.", Retryable: false);
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        using var heartbeats = heartbeat is null ? null : KeepLease(heartbeat, linked);
        try
        {
            // WaitAsync too: a handler stuck in a call that ignores its token (a client library hanging on a dead
            // connection) is given up at the deadline instead of holding its worker slot for ever.
            return await handler.ExecuteAsync(context, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new StepResult.Failed(ErrorCodes.Timeout, $"Step '{context.Step.Id}' did not finish within {timeout.TotalSeconds:0.###} s.");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (LimitExceededException ex)
        {
            return new StepResult.Failed(ex.Code, ex.Message, Retryable: false);
        }
        catch (StepConfigurationException ex)
        {
            return new StepResult.Failed(ErrorCodes.StepConfigurationError, ex.Message, Retryable: false);
        }
        catch (ExpressionException ex)
        {
            return new StepResult.Failed(ErrorCodes.StepConfigurationError, $"Expression error at position {ex.Position}: {ex.Message}", Retryable: false);
        }
        catch (Exception ex)
        {
            if (context.Secrets is null)
                logger.LogWarning(ex, "Step {StepId} of execution {ExecutionId} threw", context.Step.Id, context.ExecutionId);
            else // the exception's text may hold a secret's value, so only its redacted message is logged
                logger.LogWarning("Step {StepId} of execution {ExecutionId} threw {Exception}: {Message}", context.Step.Id,
                    context.ExecutionId, ex.GetType().Name, context.Secrets.Redact(ex.Message));
            return new StepResult.Failed(ErrorCodes.WorkflowExecutionError, ex.Message, new JsonObject { ["exception"] = ex.GetType().Name });
        }
    }

    /// <summary>Beats every third of the lease; if the lease is lost the attempt is cancelled, since its commit
    /// would be refused anyway. A timer rather than a looping task: most attempts end long before the first beat,
    /// and disposing a timer costs nothing, where stopping a task's wait threw an exception at every step.</summary>
    private ITimer KeepLease(Func<Task<bool>> heartbeat, CancellationTokenSource attempt)
    {
        var beating = 0;
        var period = options.LeaseDuration / 3;
        return time.CreateTimer(_ => _ = BeatAsync(), null, period, period);

        async Task BeatAsync()
        {
            if (Interlocked.Exchange(ref beating, 1) == 1)
                return; // the last beat is still waiting for its commit
            try
            {
                if (!await heartbeat().ConfigureAwait(false))
                    await attempt.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended while this beat was on its way.
            }
            catch (StorageUnavailableException)
            {
                // The next beat tries again; the lease outlasts a few missed ones.
            }
            finally
            {
                Volatile.Write(ref beating, 0);
            }
        }
    }

    /// <summary>The rendered config saved as the step run's input; a config that fails to render is saved raw.</summary>
    private static JsonNode? SafeConfig(StepExecutionContext context)
    {
        try
        {
            return context.Config.DeepClone();
        }
        catch (Exception)
        {
            return context.Step.Config.DeepClone();
        }
    }
}
