using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chorus.Engine.Steps;

namespace Chorus.Engine.Tests.Runtime;

/// <summary>One attempt a test handler saw.</summary>
internal sealed record StepCall(Guid ExecutionId, string StepId, int Attempt, string IdempotencyKey);

/// <summary>What the test handlers of one harness did.</summary>
internal sealed class StepCallLog
{
    private readonly ConcurrentQueue<StepCall> _calls = new();

    public void Add(StepExecutionContext context) =>
        _calls.Enqueue(new StepCall(context.ExecutionId, context.Step.Id, context.Attempt, context.IdempotencyKey));

    public IReadOnlyList<StepCall> For(Guid executionId, string? stepId = null) =>
        _calls.Where(c => c.ExecutionId == executionId && (stepId is null || c.StepId == stepId)).ToList();

    public IReadOnlyList<StepCall> All => _calls.ToArray();
}

/// <summary>"count": completes at once with its attempt number.</summary>
internal sealed class CountingStep(StepCallLog log) : IStepHandler
{
    public string Type => "count";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        return Task.FromResult<StepResult>(StepResult.Done(new JsonObject { ["attempt"] = context.Attempt }));
    }
}

/// <summary>"flaky": fails (retryably) while its attempt number is at most config.fail_times, then completes.</summary>
internal sealed class FlakyStep(StepCallLog log) : IStepHandler
{
    public string Type => "flaky";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        var failTimes = context.Config["fail_times"]?.GetValue<int>() ?? 0;
        StepResult result = context.Attempt <= failTimes
            ? new StepResult.Failed("flaky_failure", $"attempt {context.Attempt} failed on purpose")
            : StepResult.Done(new JsonObject { ["attempt"] = context.Attempt });
        return Task.FromResult(result);
    }
}

/// <summary>"block": runs until its token is cancelled (timeout, cancel, shutdown), recording that it saw it.</summary>
internal sealed class BlockingStep(StepCallLog log) : IStepHandler
{
    private readonly ConcurrentQueue<Guid> _cancelled = new();

    public string Type => "block";

    public IReadOnlyCollection<Guid> Cancelled => _cancelled.ToArray();

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _cancelled.Enqueue(context.ExecutionId);
            throw;
        }
        return StepResult.Done();
    }
}

/// <summary>"deaf": never finishes and never looks at its token, as a handler stuck in a library call does.</summary>
internal sealed class DeafStep(StepCallLog log) : IStepHandler
{
    public string Type => "deaf";

    public Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        return new TaskCompletionSource<StepResult>().Task;
    }
}

/// <summary>"gate": enters, then waits until the test opens one passage with <see cref="Release"/>; tracks how
/// many attempts are inside at once.</summary>
internal sealed class GateStep(StepCallLog log) : IStepHandler
{
    private readonly SemaphoreSlim _passages = new(0);
    private int _inside;
    private int _maxInside;

    public string Type => "gate";

    public int Inside => Volatile.Read(ref _inside);
    public int MaxInside => Volatile.Read(ref _maxInside);

    public void Release(int count = 1) => _passages.Release(count);

    public async Task<StepResult> ExecuteAsync(StepExecutionContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        var inside = Interlocked.Increment(ref _inside);
        int seen;
        while ((seen = Volatile.Read(ref _maxInside)) < inside && Interlocked.CompareExchange(ref _maxInside, inside, seen) != seen)
        {
        }
        try
        {
            await _passages.WaitAsync(cancellationToken);
            return StepResult.Done(new JsonObject { ["passed"] = true });
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }
}
