using System.Diagnostics;

namespace Chorus.Engine.Telemetry;

/// <summary>The engine's spans, on the activity source <see cref="SourceName"/>. An execution outlives any process
/// that runs it, so its trace context is stored with it (<c>trace_parent</c> in its state): the start span is made
/// where the execution is created, under the request that created it, and every step attempt, on whichever node and
/// after any crash, is a child of that stored context. Outgoing calls carry it as a W3C <c>traceparent</c>.</summary>
public static class EngineTracing
{
    public const string SourceName = "Chorus.Engine";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Records the start of an execution and returns the trace context to store with it: a span under the
    /// caller's current activity when something listens, else a fresh context of the same trace (or a new trace),
    /// so that the ids exist for steps, logs and outgoing calls whether or not a tracing backend is configured.</summary>
    internal static string StartExecution(TenantId tenant, Guid workflowId, Guid executionId)
    {
        using var span = Source.StartActivity("chorus.execution.start", ActivityKind.Internal);
        if (span is not null)
        {
            span.SetTag("chorus.tenant", tenant.Value);
            span.SetTag("chorus.workflow_id", workflowId.ToString());
            span.SetTag("chorus.execution_id", executionId.ToString());
            return span.Id!;
        }
        var trace = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.TraceId : ActivityTraceId.CreateRandom();
        return $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
    }

    /// <summary>The trace id of a stored trace context, for the API and the logs; null when there is none.</summary>
    public static string? TraceIdOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>Starts the span of one step attempt under the execution's stored context and makes it current, so the
    /// step's outgoing calls carry it. A plain activity when nothing listens: the calls still carry the trace.</summary>
    internal static Activity? StartAttempt(string? traceParent, string stepType, string stepId, int attempt, Guid executionId)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, null, out var parent))
            return null;
        var span = Source.StartActivity($"chorus.step {stepType}", ActivityKind.Internal, parent)
            ?? new Activity($"chorus.step {stepType}").SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags).Start();
        span.SetTag("chorus.execution_id", executionId.ToString());
        span.SetTag("chorus.step_id", stepId);
        span.SetTag("chorus.step_type", stepType);
        span.SetTag("chorus.attempt", attempt);
        return span;
    }

    /// <summary>Marks an attempt's span failed with the step's error code.</summary>
    internal static void Failed(Activity? span, string code, string message)
    {
        span?.SetStatus(ActivityStatusCode.Error, message);
        span?.SetTag("chorus.error_code", code);
    }

    /// <summary>Adds the current span as W3C <c>traceparent</c> (and <c>tracestate</c>) unless the request has one.</summary>
    internal static void Propagate(HttpRequestMessage request)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } current || request.Headers.Contains("traceparent"))
            return;
        request.Headers.TryAddWithoutValidation("traceparent", current.Id);
        if (current.TraceStateString is { Length: > 0 } state)
            request.Headers.TryAddWithoutValidation("tracestate", state);
    }
}
