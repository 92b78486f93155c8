using System.Text.Json.Nodes;
using Chorus.Steps;

namespace Chorus.StepsService.Tests.Infrastructure;

/// <summary>A step that counts its runs and answers what it was given, so a test sees every run and every input.</summary>
internal sealed class CountingStep : IStepHandler
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Set by a test to hold runs until it lets them go.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public string Name => "count";
    public string Description => "Counts its runs.";

    public JsonObject ConfigSchema { get; } = new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["limit"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
            ["tags"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
        },
        ["required"] = new JsonArray("limit"),
    };

    public JsonObject OutputSchema { get; } = [];

    public async Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        var run = Interlocked.Increment(ref _runs);
        if (Gate is { } gate)
            await gate.Task.WaitAsync(ct);
        return new JsonObject
        {
            ["run"] = run,
            ["config"] = request.Config.DeepClone(),
            ["context"] = request.Context.DeepClone(),
            ["idempotency_key"] = request.IdempotencyKey,
            ["execution_id"] = request.ExecutionId,
            ["step_id"] = request.StepId,
            ["attempt"] = request.Attempt,
            ["tenant"] = request.Tenant,
        };
    }
}

/// <summary>A step that waits until it is cancelled, and says when it was.</summary>
internal sealed class WaitingStep : IStepHandler
{
    private int _runs;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Runs => Volatile.Read(ref _runs);

    public string Name => "wait";
    public string Description => "Waits until cancelled.";
    public JsonObject ConfigSchema { get; } = [];
    public JsonObject OutputSchema { get; } = [];

    public async Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _runs);
        Entered.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
            throw;
        }
        return null;
    }
}

/// <summary>A step whose behaviour each test chooses per run.</summary>
internal sealed class ScriptedStep(string name, Func<int, StepRequest, JsonNode?> behave, TimeSpan? timeout = null) : IStepHandler
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);
    public string Name => name;
    public string Description => "Does what the test says.";
    public JsonObject ConfigSchema { get; } = [];
    public JsonObject OutputSchema { get; } = [];
    public TimeSpan? Timeout => timeout;

    public async Task<JsonNode?> ExecuteAsync(StepRequest request, CancellationToken ct)
    {
        var run = Interlocked.Increment(ref _runs);
        if (timeout is not null)
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
        return behave(run, request);
    }
}
