using Chorus.Engine.Definitions;

namespace Chorus.Engine.Runtime;

/// <summary>Options built in code (an embedding application, a test) get the checks the server's environment
/// reader applies: a value the engine cannot work with (a batch size of 0 spins the committer for ever, a zero
/// lease expires as it is taken) stops the host at start (and the engine at construction) with a message naming the option.</summary>
internal static class EngineOptionsValidation
{
    public static void Validate(EngineOptions o)
    {
        if (Describe(o) is { } problem)
            throw new ArgumentException(problem, nameof(o));
    }

    /// <summary>"Invalid engine options: " and every problem found, or null when there is none.</summary>
    public static string? Describe(EngineOptions o)
    {
        var problems = new List<string>();
        void Require(bool ok, string problem)
        {
            if (!ok)
                problems.Add(problem);
        }

        Require(o.MaxConcurrentWorkflows >= 1, "MaxConcurrentWorkflows must be at least 1.");
        Require(o.WorkerConcurrency >= 1, "WorkerConcurrency must be at least 1.");
        Require(o.CommitBatchSize >= 1, "CommitBatchSize must be at least 1.");
        Require(o.CommitLanes >= 1, "CommitLanes must be at least 1.");
        Require(o.StepRetryLimit >= 1, "StepRetryLimit must be at least 1 (the first attempt counts).");
        Require(Positive(o.CheckInterval), "CheckInterval must be greater than zero.");
        Require(Positive(o.LeaseDuration), "LeaseDuration must be greater than zero.");
        Require(Positive(o.StepTimeout) && o.StepTimeout <= DurationLimits.MaxStepTimeout,
            $"StepTimeout must be greater than zero and at most {DurationLimits.Describe(DurationLimits.MaxStepTimeout)}.");
        Require(o.ExecutionTimeout is null || (Positive(o.ExecutionTimeout.Value) && o.ExecutionTimeout <= DurationLimits.MaxExecutionTimeout),
            $"ExecutionTimeout must be greater than zero and at most {DurationLimits.Describe(DurationLimits.MaxExecutionTimeout)}.");
        Require(!string.IsNullOrWhiteSpace(o.NodeId), "NodeId must not be empty.");

        var l = o.Limits;
        Require(l.MaxSubflowDepth >= 1, "Limits.MaxSubflowDepth must be at least 1.");
        Require(l.MaxJsonDepth >= 1, "Limits.MaxJsonDepth must be at least 1.");
        Require(l.MaxStepOutputBytes >= 1, "Limits.MaxStepOutputBytes must be at least 1.");
        Require(l.MaxContextBytes >= 1, "Limits.MaxContextBytes must be at least 1.");
        Require(l.MaxArrayIndex >= 0, "Limits.MaxArrayIndex must not be negative.");
        Require(l.MaxLoopIterations >= 1, "Limits.MaxLoopIterations must be at least 1.");
        Require(l.MaxCommitFailures >= 1, "Limits.MaxCommitFailures must be at least 1.");
        Require(l.TenantSlotShare is > 0 and <= 1, "Limits.TenantSlotShare must be greater than 0 and at most 1.");

        var http = o.OutboundHttp;
        Require(http.MaxRedirects >= 0, "OutboundHttp.MaxRedirects must not be negative.");
        Require(http.MaxResponseBytes >= 1, "OutboundHttp.MaxResponseBytes must be at least 1.");
        Require(Positive(http.Timeout), "OutboundHttp.Timeout must be greater than zero.");

        var r = o.Retention;
        Require(r.History is null || Positive(r.History.Value), "Retention.History must be greater than zero (null keeps everything).");
        Require(r.Events is null || Positive(r.Events.Value), "Retention.Events must be greater than zero (null keeps them).");
        Require(r.BatchSize >= 1, "Retention.BatchSize must be at least 1.");
        Require(r.PauseBetweenBatches >= TimeSpan.Zero, "Retention.PauseBetweenBatches must not be negative.");
        Require(Positive(r.Interval), "Retention.Interval must be greater than zero.");
        Require(r.VacuumPagesPerBatch >= 0, "Retention.VacuumPagesPerBatch must not be negative.");

        var remote = o.RemoteSteps;
        Require(remote.Services.All(u => u is { IsAbsoluteUri: true } && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)),
            "RemoteSteps.Services must be absolute http or https URLs.");
        Require(Positive(remote.Timeout), "RemoteSteps.Timeout must be greater than zero.");
        Require(Positive(remote.RefreshInterval), "RemoteSteps.RefreshInterval must be greater than zero.");
        Require(remote.OnDemandRefreshInterval >= TimeSpan.Zero, "RemoteSteps.OnDemandRefreshInterval must not be negative.");
        Require(remote.StartupWait >= TimeSpan.Zero, "RemoteSteps.StartupWait must not be negative.");
        Require(remote.CallRetries is >= 0 and <= 10, "RemoteSteps.CallRetries must be from 0 to 10.");
        Require(Positive(remote.RetryDelay), "RemoteSteps.RetryDelay must be greater than zero.");
        Require(remote.BreakerFailures >= 2, "RemoteSteps.BreakerFailures must be at least 2.");
        Require(remote.BreakerSamplingDuration >= TimeSpan.FromSeconds(0.5), "RemoteSteps.BreakerSamplingDuration must be at least 0.5 s.");
        Require(remote.BreakDuration >= TimeSpan.FromSeconds(0.5), "RemoteSteps.BreakDuration must be at least 0.5 s.");

        return problems.Count > 0 ? $"Invalid engine options: {string.Join(" ", problems)}" : null;
    }

    private static bool Positive(TimeSpan value) => value > TimeSpan.Zero;
}
