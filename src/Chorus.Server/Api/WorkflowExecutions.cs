using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Definitions;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Tiers;

namespace Chorus.Server.Api;

/// <summary>Starting executions of a workflow: in the background (execute) or synchronously (test-execute).</summary>
internal static class WorkflowExecutions
{
    private static readonly TimeSpan DefaultTestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxTestTimeout = TimeSpan.FromSeconds(300);

    /// <summary>The names a start's body may give its input under: <c>input</c>, seed 000's <c>initial_data</c> and
    /// seed 001's <c>inputs</c>.</summary>
    internal static readonly string[] InputNames = ["input", "initial_data", "inputs"];

    /// <summary>Returns at once with the execution id; the work goes on whatever the client does. With
    /// <c>?wait=30s</c> it waits up to that long for the execution to end and answers 200 with its output.</summary>
    public static async Task<IResult> Execute(HttpContext http, string id, ChorusEngine engine)
    {
        var wait = WaitParameter.Of(http);
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var started = await StartAsync(http, engine, Workflows.WorkflowId(id), InputOf(body, InputNames), body);
        return await AnswerAsync(http, engine, started, wait);
    }

    /// <summary>The start's answer (see <see cref="Answer"/>), after waiting for the end when the call asked to: 200 with
    /// the ended execution, else the usual answer with the execution as it stands (it goes on in the background).</summary>
    internal static async Task<IResult> AnswerAsync(HttpContext http, ChorusEngine engine, StartOutcome started, TimeSpan? wait)
    {
        var execution = started.Execution;
        if (wait is { } timeout)
        {
            execution = await engine.WaitForAsync(execution.Tenant, execution.Id, e => e.IsTerminal, timeout, http.RequestAborted);
            if (execution.IsTerminal)
                return TypedResults.Json(Representations.Execution(execution, withContext: false));
        }
        return Answer(started, Representations.Execution(execution, withContext: false));
    }

    /// <summary>The input under whichever of <paramref name="names"/> the body uses. Two of them with different
    /// values are refused rather than one silently winning: the execution would run on the input the client did not mean.</summary>
    internal static JsonNode? InputOf(JsonObject body, IReadOnlyList<string> names)
    {
        (string Name, JsonNode Value)? found = null;
        foreach (var name in names)
        {
            if (body[name] is not { } value)
                continue;
            if (found is null)
                found = (name, value);
            else if (!JsonNode.DeepEquals(found.Value.Value, value))
                throw new ChorusException(ErrorCodes.InvalidInput,
                    $"'{found.Value.Name}' and '{name}' both give the execution's input, with different values; send one of them.",
                    new JsonObject { ["fields"] = new JsonArray(found.Value.Name, name) });
        }
        return found?.Value;
    }

    /// <summary>The one implementation of every route that starts an execution (or, <paramref name="deferred"/>, writes
    /// one to start later): mode, idempotency key, tier limit, then the engine. Each route answers in its own words.</summary>
    internal static async Task<StartOutcome> StartAsync(HttpContext http, ChorusEngine engine, Guid workflowId, JsonNode? input, JsonObject body,
        string kind = "execute", bool deferred = false)
    {
        var mode = body.OptionalString("mode") switch
        {
            null or "automatic" => ExecutionMode.Automatic,
            "manual" => ExecutionMode.Manual,
            var other => throw new ChorusException(ErrorCodes.InvalidInput, $"mode must be automatic or manual, not '{other}'.", new JsonObject { ["field"] = "mode" }),
        };
        var idempotency = IdempotencyKeys.From(http, kind, workflowId, body);
        await CheckTierAsync(http, engine, workflowId, idempotency);
        var started = deferred
            ? await engine.CreateExecutionAsync(http.Tenant(), workflowId, input?.DeepClone(), mode, idempotency, http.RequestAborted)
            : await engine.StartExecutionAsync(http.Tenant(), workflowId, input?.DeepClone(), mode, isTest: false, idempotency, http.RequestAborted);
        http.Response.Headers.Location = $"/api/executions/{started.Execution.Id}";
        if (started.Replayed)
            IdempotencyKeys.MarkReplayed(http);
        return started;
    }

    /// <summary>202 for a new execution, 200 for the repeat of a keyed request.</summary>
    internal static IResult Answer(StartOutcome started, JsonObject json, int createdStatus = StatusCodes.Status202Accepted) =>
        TypedResults.Json(json, statusCode: started.Replayed ? StatusCodes.Status200OK : createdStatus);

    /// <summary>The daily execution limit counts new starts only: a repeat of a keyed request starts nothing, so it
    /// gets its execution back even when the tenant is at its limit. Two first requests racing with one key are both
    /// checked, which errs on the side of the limit.</summary>
    private static async Task CheckTierAsync(HttpContext http, ChorusEngine engine, Guid workflowId, IdempotentStart? idempotency)
    {
        if (idempotency is not null && await engine.FindReplayAsync(http.Tenant(), workflowId, idempotency, http.RequestAborted) is not null)
            return;
        await http.RequestServices.GetRequiredService<TierChecks>().ExecutionStartAsync(http.Tenant(), http.RequestAborted);
    }

    /// <summary>Seed 003: runs the workflow now, whatever its status, and answers with the full trace. Test runs
    /// are kept apart from production history (left out of execution lists). With <c>skip_time</c>, <c>events</c> or
    /// <c>inputs</c> the run is driven (<see cref="ChorusEngine.RunTestAsync"/>): timers fire at once on a virtual
    /// clock, and what it waits for is handed to it, so a long or approval flow is tested in one call.</summary>
    public static async Task<IResult> TestExecute(HttpContext http, string id, ChorusEngine engine, IExecutionReader reader)
    {
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var debug = body.OptionalBool("debug_mode", false);
        var timeout = DefaultTestTimeout;
        if (body["timeout_seconds"] is { } t)
        {
            timeout = t is JsonValue v && v.TryGetValue<double>(out var seconds) && seconds > 0 && seconds <= MaxTestTimeout.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : throw new ChorusException(ErrorCodes.InvalidInput, $"timeout_seconds must be a number from 0 to {MaxTestTimeout.TotalSeconds}.", new JsonObject { ["field"] = "timeout_seconds" });
        }
        var driven = TestRunRequests.Asked(body) ? TestRunRequests.Read(body) : null;
        var tenant = http.Tenant();
        var workflowId = Workflows.WorkflowId(id);
        var idempotency = IdempotencyKeys.From(http, "test-execute", workflowId, body);
        await CheckTierAsync(http, engine, workflowId, idempotency);
        var (started, replayed) = await engine.StartExecutionAsync(tenant, workflowId, InputOf(body, InputNames)?.DeepClone(),
            ExecutionMode.Automatic, isTest: true, idempotency, http.RequestAborted);
        if (replayed)
            IdempotencyKeys.MarkReplayed(http);
        TestRunResult? result = null;
        ExecutionRecord execution;
        if (driven is not null)
            execution = (result = await engine.RunTestAsync(tenant, started.Id, driven, timeout, http.RequestAborted)).Execution;
        else
            execution = await engine.WaitForAsync(tenant, started.Id,
                e => e.IsTerminal || e.Status is ExecutionStatus.Waiting or ExecutionStatus.Paused, timeout, http.RequestAborted);
        var json = Representations.Execution(execution);
        json["timed_out"] = result?.TimedOut ?? (!execution.IsTerminal && execution.Status != ExecutionStatus.Waiting);
        var runs = await reader.GetStepRunsAsync(tenant, execution.Id, http.RequestAborted);
        json["steps"] = result is null
            ? Representations.Array(runs, Representations.StepRun)
            : Representations.Array(runs, r => TestRunAnswers.StepRun(r, result.Clock));
        if (result is not null)
            TestRunAnswers.Add(json, result, driven!);
        if (debug)
        {
            json["context"] = execution.Context.DeepClone();
            json["logs"] = Representations.Array(await reader.GetLogsAsync(tenant, execution.Id, http.RequestAborted), Representations.Log);
        }
        return TypedResults.Json(json);
    }

    public static async Task<IResult> ListForWorkflow(HttpContext http, string id, IExecutionReader reader, WorkflowService service)
    {
        // Like every other route under /api/workflows/{id}: a workflow that is not the caller tenant's is not found,
        // rather than an empty list, so the answer is the same as for an id that exists nowhere.
        var workflow = await service.RequireAsync(http.Tenant(), Workflows.WorkflowId(id), http.RequestAborted);
        return await Executions.ListAsync(http, reader, workflow.Id);
    }
}
