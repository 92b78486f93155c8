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

    /// <summary>Returns at once with the execution id; the work goes on whatever the client does.</summary>
    public static async Task<IResult> Execute(HttpContext http, string id, ChorusEngine engine)
    {
        var body = await http.ReadObjectAsync(allowEmpty: true);
        return await StartAsync(http, engine, Workflows.WorkflowId(id), body["input"] ?? body["initial_data"], body);
    }

    internal static async Task<IResult> StartAsync(HttpContext http, ChorusEngine engine, Guid workflowId, JsonNode? input, JsonObject body)
    {
        var mode = body.OptionalString("mode") switch
        {
            null or "automatic" => ExecutionMode.Automatic,
            "manual" => ExecutionMode.Manual,
            var other => throw new ChorusException(ErrorCodes.InvalidInput, $"mode must be automatic or manual, not '{other}'.", new JsonObject { ["field"] = "mode" }),
        };
        var idempotency = IdempotencyKeys.From(http, "execute", workflowId, body);
        await CheckTierAsync(http, engine, workflowId, idempotency);
        var (execution, replayed) = await engine.StartExecutionAsync(http.Tenant(), workflowId, input?.DeepClone(), mode, isTest: false, idempotency, http.RequestAborted);
        var json = Representations.Execution(execution, withContext: false);
        http.Response.Headers.Location = $"/api/executions/{execution.Id}";
        if (replayed)
            IdempotencyKeys.MarkReplayed(http);
        return TypedResults.Json(json, statusCode: replayed ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

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
    /// are kept apart from production history (left out of execution lists).</summary>
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
        var tenant = http.Tenant();
        var workflowId = Workflows.WorkflowId(id);
        var idempotency = IdempotencyKeys.From(http, "test-execute", workflowId, body);
        await CheckTierAsync(http, engine, workflowId, idempotency);
        var (started, replayed) = await engine.StartExecutionAsync(tenant, workflowId, (body["input"] ?? body["initial_data"])?.DeepClone(),
            ExecutionMode.Automatic, isTest: true, idempotency, http.RequestAborted);
        if (replayed)
            IdempotencyKeys.MarkReplayed(http);
        var execution = await engine.WaitForAsync(tenant, started.Id,
            e => e.IsTerminal || e.Status is ExecutionStatus.Waiting or ExecutionStatus.Paused, timeout, http.RequestAborted);
        var json = Representations.Execution(execution);
        json["timed_out"] = !execution.IsTerminal && execution.Status != ExecutionStatus.Waiting;
        json["steps"] = Representations.Array(await reader.GetStepRunsAsync(tenant, execution.Id, http.RequestAborted), Representations.StepRun);
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
