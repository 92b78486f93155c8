using System.Net;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Chorus.Engine.Steps.Remote;

/// <summary>The steps of every configured steps service. Calls share one pooled HTTP client (keep-alive connections);
/// the services are the operator's, usually on localhost, so the tenants' outbound policy does not apply to them.</summary>
internal sealed class RemoteStepCatalog : IAsyncDisposable
{
    /// <summary>The code of a remote step that got no usable answer; retryable, so the step's retry policy and an
    /// operator's retry of the failed execution run it again.</summary>
    public const string ExternalServiceError = "external_service_error";

    private static readonly TimeSpan OnDemandReadTimeout = TimeSpan.FromSeconds(3);
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _onDemandLock = new();
    private DateTimeOffset _lastOnDemand = DateTimeOffset.MinValue;
    private Task _loop = Task.CompletedTask;

    public RemoteStepCatalog(RemoteStepsOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        Options = options;
        Time = time;
        _logger = loggers.CreateLogger<RemoteStepCatalog>();
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
            // The services are the operator's own, named by URL; a proxy meant for the internet must not sit in between.
            UseProxy = false,
            AllowAutoRedirect = false,
            // Step ids and tenants may hold non-ASCII letters; refusing such a header would read as the service being down.
            RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
        })
        {
            // The per-delivery timeout is the pipeline's; only the synchronous catalog read buffers a whole answer.
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 8 * 1024 * 1024,
        };
        var logger = loggers.CreateLogger<StepsServiceClient>();
        Services = options.Services.Select(u => new StepsServiceClient(u, _http, options, time, logger)).ToList();
    }

    public RemoteStepsOptions Options { get; }
    public TimeProvider Time { get; }
    public IReadOnlyList<StepsServiceClient> Services { get; }

    /// <summary>The service that runs <paramref name="name"/>: the first offering it whose circuit is not open, else the
    /// first offering it; null when none does (as last read).</summary>
    public (StepsServiceClient Service, RemoteStep Step)? Find(string name)
    {
        (StepsServiceClient, RemoteStep)? first = null;
        foreach (var service in Services)
        {
            if (!service.Steps.TryGetValue(name, out var step))
                continue;
            if (service.Circuit != CircuitState.Open)
                return (service, step);
            first ??= (service, step);
        }
        return first;
    }

    /// <summary><see cref="Find"/>, reading the catalogs again first when the name is unknown and the last such read is
    /// older than <see cref="RemoteStepsOptions.OnDemandRefreshInterval"/>.</summary>
    public (StepsServiceClient Service, RemoteStep Step)? FindOrRefresh(string name)
    {
        if (Find(name) is { } found || !RemoteStep.IsValidName(name) || !OnDemandDue())
            return Find(name);
        foreach (var service in Services)
            service.Refresh(OnDemandReadTimeout);
        return Find(name);
    }

    private bool OnDemandDue()
    {
        lock (_onDemandLock)
        {
            var now = Time.GetUtcNow();
            if (now - _lastOnDemand < Options.OnDemandRefreshInterval)
                return false;
            _lastOnDemand = now;
            return true;
        }
    }

    /// <summary>Which services were asked and how each answered, for the message refusing an unknown name.</summary>
    public string DescribeServices() => "Steps services asked: " + string.Join("; ", Services.Select(s =>
        s.Problem is { } problem ? $"{s.Name} (unreachable: {problem})" : $"{s.Name} (offers {s.Steps.Count} steps)")) + ".";

    /// <summary>Whether a service that could have offered a name is down, so not finding it may be temporary.</summary>
    public bool AnyUnreachable => Services.Any(s => s.Problem is not null);

    /// <summary>Reads every catalog, waiting at most <see cref="RemoteStepsOptions.StartupWait"/>, then keeps them fresh in
    /// the background; a service not read yet is tried again with backoff.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var first = Task.WhenAll(Services.Select(s => ReadAsync(s, _stopping.Token)));
        try
        {
            await first.WaitAsync(Options.StartupWait, Time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("steps services not all read within {Seconds} s of start; they are read in the background", Options.StartupWait.TotalSeconds);
        }
        _loop = Task.Run(() => RefreshLoopAsync(first, _stopping.Token), CancellationToken.None);
    }

    private async Task ReadAsync(StepsServiceClient service, CancellationToken ct)
    {
        var ok = await service.RefreshAsync(Options.Timeout, ct).ConfigureAwait(false);
        // Down: try again soon (1 s, 2 s, 4 s ... up to the refresh interval), not only at the next refresh.
        var wait = ok ? Options.RefreshInterval
            : TimeSpan.FromSeconds(Math.Min(Options.RefreshInterval.TotalSeconds, Math.Pow(2, Math.Min(service.FailedReads - 1, 10))));
        service.NextReadAt = Time.GetUtcNow() + wait;
    }

    private async Task RefreshLoopAsync(Task first, CancellationToken ct)
    {
        try
        {
            await first.ConfigureAwait(false);
            var tick = TimeSpan.FromTicks(Math.Min(Options.RefreshInterval.Ticks, TimeSpan.FromSeconds(1).Ticks));
            using var timer = new PeriodicTimer(tick, Time);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var now = Time.GetUtcNow();
                await Task.WhenAll(Services.Where(s => s.NextReadAt <= now).Select(s => ReadAsync(s, ct))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
        _http.Dispose();
    }
}
