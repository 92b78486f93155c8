namespace Chorus.Engine.Steps.Remote;

/// <summary>The steps services whose steps the engine runs over HTTP (STEPS_SVC_URL), and how it calls them.
/// Empty <see cref="Services"/> means no remote steps.</summary>
public sealed record RemoteStepsOptions
{
    /// <summary>Base URLs of the steps services, asked in this order when several offer the same step.</summary>
    public IReadOnlyList<Uri> Services { get; init; } = [];

    /// <summary>Longest one call may take unless the service's catalog or the step sets its own (STEPS_SVC_TIMEOUT, 60 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often each service's catalog (<c>GET /steps</c>) is read again (30 s).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two reads asked for by an unknown step name, so a definition naming a step that
    /// nobody offers cannot make the engine hammer the services (5 s).</summary>
    public TimeSpan OnDemandRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long start waits for the first catalogs before going on without them (5 s); a service not read
    /// by then is read in the background.</summary>
    public TimeSpan StartupWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra deliveries of one attempt after a transient failure, with jittered exponential backoff (2). The
    /// step's own retry policy applies on top of them.</summary>
    public int CallRetries { get; init; } = 2;

    /// <summary>The first backoff between in-call retries (200 ms); it doubles each time, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failed calls (in <see cref="BreakerSamplingDuration"/>, at least half of all calls) that open a
    /// service's circuit (5); while open, calls fail at once without reaching the service.</summary>
    public int BreakerFailures { get; init; } = 5;

    /// <summary>The window the breaker counts failures in (30 s).</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before one trial call is let through (15 s; at least 0.5 s).</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);
}
