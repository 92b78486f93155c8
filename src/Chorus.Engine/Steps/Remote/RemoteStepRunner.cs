using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Chorus.Engine.Steps.Remote;

/// <summary>Runs one attempt of a step on its steps service and turns the answer into a <see cref="StepResult"/>. With
/// no usable answer and a local handler of the same name, the local handler runs instead.</summary>
internal sealed class RemoteStepRunner(RemoteStepCatalog catalog, ILogger logger)
{
    /// <param name="runLocally">The local handler of the same name, when the application registered one.</param>
    public async Task<StepResult> RunAsync(StepExecutionContext context, string name, JsonObject config,
        Func<Task<StepResult>>? runLocally, CancellationToken ct)
    {
        if (catalog.Find(name) is not var (service, step))
        {
            if (runLocally is not null)
                return await RunLocallyAsync(context, name, "no steps service offers it now", runLocally).ConfigureAwait(false);
            return new StepResult.Failed(RemoteStepCatalog.ExternalServiceError,
                $"No steps service offers '{name}' now. {catalog.DescribeServices()}", Retryable: true);
        }
        // The step's own timeout is the most specific; then what the service says the step needs; then the default.
        var timeout = context.Step.Timeout ?? step.Timeout ?? catalog.Options.Timeout;
        var call = new RemoteCall(name, Body(context.Data, config), Headers(context), timeout, context.Limits.MaxContextBytes);
        var started = Stopwatch.GetTimestamp();
        RemoteAnswer answer;
        try
        {
            answer = await service.CallAsync(call, ct).ConfigureAwait(false);
        }
        catch (RemoteUnavailableException ex)
        {
            var latency = Stopwatch.GetElapsedTime(started);
            logger.LogWarning("remote step {Step} of execution {ExecutionId} got no answer from {Service} after {LatencyMs} ms: {Problem}",
                name, context.ExecutionId, service.Name, (long)latency.TotalMilliseconds, ex.Message);
            context.Log("warning", $"remote step {name} got no answer from {service.Name}: {ex.Message}",
                LogData(service, latency, ex.Last?.Status));
            if (runLocally is not null)
                return await RunLocallyAsync(context, name, ex.Message, runLocally).ConfigureAwait(false);
            return new StepResult.Failed(RemoteStepCatalog.ExternalServiceError, $"Steps service unavailable for '{name}': {ex.Message}",
                new JsonObject { ["service"] = service.Name, ["status"] = ex.Last?.Status }, Retryable: true);
        }
        catch (RemoteProtocolException ex)
        {
            return new StepResult.Failed(RemoteStepCatalog.ExternalServiceError, $"{service.Name} answered '{name}' outside the protocol: {ex.Message}.",
                new JsonObject { ["service"] = service.Name }, Retryable: false);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        logger.LogInformation("remote step {Step} of execution {ExecutionId} answered HTTP {Status} in {LatencyMs} ms from {Service}",
            name, context.ExecutionId, answer.Status, (long)elapsed.TotalMilliseconds, service.Name);
        context.Log("info", $"remote step {name} answered in {(long)elapsed.TotalMilliseconds} ms from {service.Name}",
            LogData(service, elapsed, answer.Status));
        return Result(service, name, answer);
    }

    private async Task<StepResult> RunLocallyAsync(StepExecutionContext context, string name, string problem, Func<Task<StepResult>> runLocally)
    {
        logger.LogWarning("steps service unavailable, ran {Step} locally (execution {ExecutionId}): {Problem}", name, context.ExecutionId, problem);
        context.Log("warning", $"steps service unavailable, ran {name} locally", new JsonObject { ["reason"] = problem });
        return await runLocally().ConfigureAwait(false);
    }

    private static StepResult Result(StepsServiceClient service, string name, RemoteAnswer answer)
    {
        if (answer.IsSuccess)
        {
            return answer.Body is JsonObject body && body.ContainsKey("output")
                ? StepResult.Done(body["output"]?.DeepClone())
                : new StepResult.Failed(RemoteStepCatalog.ExternalServiceError,
                    $"{service.Name} answered '{name}' with HTTP {answer.Status} but no {{\"output\": ...}}.",
                    new JsonObject { ["service"] = service.Name, ["status"] = answer.Status }, Retryable: false);
        }
        var error = answer.Error;
        var code = error?["code"] is JsonValue c && c.TryGetValue<string>(out var text) && text.Length is > 0 and <= 100
            ? text : RemoteStepCatalog.ExternalServiceError;
        var message = error?["message"] is JsonValue m && m.TryGetValue<string>(out var said) ? said
            : $"{service.Name} answered '{name}' with HTTP {answer.Status}.";
        var details = new JsonObject { ["service"] = service.Name, ["status"] = answer.Status };
        if (error?["details"] is { } theirs)
            details["details"] = theirs.DeepClone();
        // A 4xx is the service refusing this call: another delivery cannot change that unless the service says so.
        return new StepResult.Failed(code, message, details, Retryable: answer.ErrorRetryable ?? answer.IsTransient);
    }

    private static JsonObject LogData(StepsServiceClient service, TimeSpan latency, int? status) => new()
    {
        ["service"] = service.Name,
        ["latency_ms"] = (long)latency.TotalMilliseconds,
        ["status"] = status,
    };

    /// <summary>Serialised once, so every delivery of the attempt sends the same bytes.</summary>
    private static byte[] Body(JsonObject data, JsonObject config)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("context");
            data.WriteTo(writer);
            writer.WritePropertyName("config");
            config.WriteTo(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static List<(string, string)> Headers(StepExecutionContext context) =>
    [
        ("Idempotency-Key", context.IdempotencyKey),
        ("X-Chorus-Execution-Id", context.ExecutionId.ToString()),
        ("X-Chorus-Step-Id", context.Step.Id),
        ("X-Chorus-Attempt", context.Attempt.ToString(CultureInfo.InvariantCulture)),
        ("X-Chorus-Tenant", context.Tenant.Value),
    ];
}
