using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Chorus.Steps;

/// <summary>Runs one handler call and turns whatever happens into an answer: the output, the handler's own
/// refusal, a timeout, or <c>step_failed</c> for anything unexpected (its stack trace goes to the log only).</summary>
internal sealed class StepInvoker(ILogger<StepInvoker> logger)
{
    /// <summary>Throws <see cref="OperationCanceledException"/> only when <paramref name="callersGone"/> fired: then
    /// nobody is left to answer.</summary>
    public async Task<StepAnswer> RunAsync(RegisteredStep step, StepRequest request, string requestId, CancellationToken callersGone)
    {
        var handler = step.Handler;
        var key = request.IdempotencyKey ?? "(none)";
        using var timeout = handler.Timeout is { } limit ? CancellationTokenSource.CreateLinkedTokenSource(callersGone) : null;
        timeout?.CancelAfter(handler.Timeout!.Value);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var output = await handler.ExecuteAsync(request, timeout?.Token ?? callersGone).ConfigureAwait(false);
            var answer = StepAnswer.Output(output);
            logger.LogInformation("Step {Step} ran for {IdempotencyKey} in {ElapsedMs} ms",
                handler.Name, key, Elapsed(started));
            return answer;
        }
        catch (StepException ex)
        {
            logger.LogInformation("Step {Step} refused {IdempotencyKey}: {Code} ({Status}, retryable {Retryable}) in {ElapsedMs} ms: {Message}",
                handler.Name, key, ex.Code, ex.Status, ex.Retryable, Elapsed(started), ex.Message);
            return StepAnswer.Error(ex.Status, ex.Code, ex.Message, ex.Retryable, requestId, ex.Details);
        }
        catch (OperationCanceledException) when (callersGone.IsCancellationRequested)
        {
            logger.LogInformation("Step {Step} cancelled for {IdempotencyKey} after {ElapsedMs} ms: every caller left",
                handler.Name, key, Elapsed(started));
            throw;
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true)
        {
            logger.LogWarning("Step {Step} timed out for {IdempotencyKey} after {ElapsedMs} ms", handler.Name, key, Elapsed(started));
            return StepAnswer.Error(504, "timeout", $"The step '{handler.Name}' did not finish within {handler.Timeout!.Value.TotalSeconds:0.###} s.",
                retryable: true, requestId);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Step {Step} failed for {IdempotencyKey} (request {RequestId})", handler.Name, key, requestId);
            return StepAnswer.Error(500, "step_failed", $"The step '{handler.Name}' failed: {ex.Message}", retryable: true, requestId);
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
