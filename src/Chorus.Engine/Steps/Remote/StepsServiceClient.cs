using System.Diagnostics;
using System.Net.Http.Headers;
using Chorus.Engine.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Chorus.Engine.Steps.Remote;

/// <summary>One steps service: its last catalog, and the resilience pipeline its calls go through (per-delivery
/// timeout, jittered retries of transient failures, a circuit breaker of its own).</summary>
internal sealed partial class StepsServiceClient
{
    private static readonly ResiliencePropertyKey<TimeSpan> TimeoutKey = new("chorus.remote.timeout");
    private readonly HttpClient _http;
    private readonly RemoteStepsOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<RemoteAnswer> _pipeline;
    private readonly CircuitBreakerStateProvider _breaker = new();

    public StepsServiceClient(Uri baseUrl, HttpClient http, RemoteStepsOptions options, TimeProvider time, ILogger logger)
    {
        // Relative paths resolve under the base only when it ends with '/': http://host/api + steps = http://host/steps.
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _http = http;
        _options = options;
        _logger = logger;
        _pipeline = BuildPipeline(time);
        EngineMetrics.ReportBreaker(Name, () => _breaker.CircuitState switch
        {
            CircuitState.Closed => 0,
            CircuitState.HalfOpen => 1,
            _ => 2,
        });
    }

    public Uri BaseUrl { get; }

    /// <summary>The URL as the operator wrote it, for messages and logs.</summary>
    public string Name => BaseUrl.AbsoluteUri.TrimEnd('/');

    public CircuitState Circuit => _breaker.CircuitState;

    private ResiliencePipeline<RemoteAnswer> BuildPipeline(TimeProvider time)
    {
        var transient = new PredicateBuilder<RemoteAnswer>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .Handle<IOException>()
            .HandleResult(a => a.IsTransient);
        var builder = new ResiliencePipelineBuilder<RemoteAnswer> { TimeProvider = time };
        if (_options.CallRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<RemoteAnswer>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = _options.CallRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
            });
        }
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<RemoteAnswer>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = _options.BreakerFailures,
                SamplingDuration = _options.BreakerSamplingDuration,
                BreakDuration = _options.BreakDuration,
                StateProvider = _breaker,
                OnOpened = args =>
                {
                    _logger.LogWarning("steps service circuit opened for {Service} for {BreakSeconds} s after repeated failures",
                        Name, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    _logger.LogInformation("steps service circuit half-open for {Service}: one trial call goes through", Name);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("steps service circuit closed for {Service}", Name);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(TimeoutKey, _options.Timeout)),
            })
            .Build();
    }

    /// <summary>Delivers the call until it gets an answer that is not transient or the retries run out. Throws
    /// <see cref="RemoteUnavailableException"/> when no usable answer came (unreachable, timed out, circuit open, still
    /// transient); an <see cref="OperationCanceledException"/> of <paramref name="ct"/> passes through.</summary>
    public async Task<RemoteAnswer> CallAsync(RemoteCall call, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(TimeoutKey, call.Timeout);
        var started = Stopwatch.GetTimestamp();
        var outcome = "unavailable";
        try
        {
            var answer = await _pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<RemoteAnswer>(state.self.DeliverAsync(state.call, ctx.CancellationToken)),
                context, (self: this, call)).ConfigureAwait(false);
            if (answer.IsTransient)
                throw new RemoteUnavailableException(Describe(answer), answer);
            outcome = answer.IsSuccess ? "ok" : "error";
            return answer;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException)
        {
            throw new RemoteUnavailableException($"the circuit of {Name} is open after repeated failures");
        }
        catch (TimeoutRejectedException)
        {
            throw new RemoteUnavailableException($"{Name} did not answer within {call.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new RemoteUnavailableException($"{Name} could not be reached: {ex.Message}");
        }
        finally
        {
            if (!ct.IsCancellationRequested)
                EngineMetrics.RemoteStepCalled(Name, outcome, Stopwatch.GetElapsedTime(started));
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private string Describe(RemoteAnswer answer) =>
        $"{Name} answered HTTP {answer.Status}" + (answer.Error?["message"] is { } m ? $": {m}" : "");

    private async Task<RemoteAnswer> DeliverAsync(RemoteCall call, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, "steps/" + Uri.EscapeDataString(call.Step)))
        {
            Content = new ByteArrayContent(call.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        foreach (var (name, value) in call.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        EngineTracing.Propagate(request);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        return await RemoteAnswer.ReadAsync(response, call.MaxAnswerBytes, ct).ConfigureAwait(false);
    }
}

/// <summary>One call of a remote step: the serialised body, sent unchanged by every delivery, and its headers.</summary>
internal sealed record RemoteCall(string Step, byte[] Body, IReadOnlyList<(string Name, string Value)> Headers, TimeSpan Timeout, long MaxAnswerBytes);

/// <summary>No usable answer: the service is down, slow, failing, or its circuit is open.</summary>
internal sealed class RemoteUnavailableException(string message, RemoteAnswer? last = null) : Exception(message)
{
    public RemoteAnswer? Last { get; } = last;
}
