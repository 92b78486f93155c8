using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chorus.Engine.Telemetry;

/// <summary>The engine's instruments, on one meter named <see cref="MeterName"/> that any OpenTelemetry or
/// <c>MeterListener</c> can read. Values are recorded after the commit that made them true, so a rolled-back
/// batch counts nothing. Labels are bounded: tenants and workflows beyond <see cref="LabelBudget.Limit"/> distinct
/// values are counted under "other", and no label ever holds an execution id.</summary>
public static class EngineMetrics
{
    public const string MeterName = "Chorus.Engine";

    private static readonly Meter Meter = new(MeterName);
    private static readonly LabelBudget Tenants = new();
    private static readonly LabelBudget Workflows = new();
    private static readonly LabelBudget StepTypes = new();    private static readonly ConcurrentDictionary<INodeGauges, byte> Nodes = new();
    private static readonly ConcurrentDictionary<string, Func<int>> Breakers = new(StringComparer.Ordinal);

    private static readonly Counter<long> ExecutionsStarted = Meter.CreateCounter<long>("chorus.executions.started", "{execution}",
        "Executions that started running, by tenant and workflow.");
    private static readonly Counter<long> ExecutionsEnded = Meter.CreateCounter<long>("chorus.executions.ended", "{execution}",
        "Executions that ended, by tenant, workflow and status (completed, failed, cancelled).");
    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram("chorus.step.duration", "s",
        "How long step attempts took, by step type and outcome.", advice: SecondsBuckets());
    private static readonly Counter<long> LeasesTakenOver = Meter.CreateCounter<long>("chorus.leases.taken_over", "{lease}",
        "Work items claimed again after an earlier lease ended without the work completing (a node crashed, stalled or handed it back).");
    private static readonly Histogram<int> CommitBatchSize = Meter.CreateHistogram("chorus.commit.batch_size", "{operation}",
        "Operations committed together in one transaction.", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("chorus.commit.duration", "s",
        "How long one batch's transaction took, from begin to commit.", advice: SecondsBuckets());
    private static readonly Counter<long> RetentionDeleted = Meter.CreateCounter<long>("chorus.retention.deleted", "{row}",
        "What the retention job deleted, by kind (executions, events).");
    private static readonly Histogram<double> RemoteStepDuration = Meter.CreateHistogram("chorus.remote_step.duration", "s",
        "Calls to steps services, by service and outcome (ok, error, unavailable).", advice: SecondsBuckets());

    private static readonly ObservableGauge<double> QueueDepth = Meter.CreateObservableGauge("chorus.queue.depth",
        () => Each(n => n.Queue?.Due), "{item}", "Work items due and not leased by any node (sampled from the store).");
    private static readonly ObservableGauge<double> QueueOldestDueAge = Meter.CreateObservableGauge("chorus.queue.oldest_due_age",
        () => Each(n => n.Queue?.OldestDueAge.TotalSeconds), "s", "How long the oldest due, unleased work item has waited (sampled from the store).");

    static EngineMetrics()
    {
        Meter.CreateObservableGauge("chorus.leases.held", () => Each(n => n.LeasesHeld), "{lease}",
            "Work items this node holds a lease on and runs now.");
        Meter.CreateObservableGauge("chorus.remote_step.breaker_state",
            () => Breakers.Select(b => new Measurement<int>(b.Value(), Tag("service", b.Key))), "{state}",
            "Each steps service's circuit breaker: 0 closed, 1 half-open, 2 open.");
    }

    /// <summary>Whether anyone reads the queue gauges: the store is sampled only then.</summary>
    internal static bool QueueObserved => QueueDepth.Enabled || QueueOldestDueAge.Enabled;

    internal static void ExecutionStarted(TenantId tenant, Guid workflowId) =>
        ExecutionsStarted.Add(1, Tag("tenant", Tenants.Label(tenant.Value)), Tag("workflow", Workflows.Label(workflowId.ToString())));

    internal static void ExecutionEnded(TenantId tenant, Guid workflowId, string status) =>
        ExecutionsEnded.Add(1, Tag("tenant", Tenants.Label(tenant.Value)), Tag("workflow", Workflows.Label(workflowId.ToString())),
            Tag("status", status));

    internal static void StepFinished(string stepType, string outcome, TimeSpan duration) =>
        StepDuration.Record(duration.TotalSeconds, Tag("step_type", StepTypes.Label(stepType)), Tag("outcome", outcome));

    internal static void TakenOver(int count)
    {
        if (count > 0)
            LeasesTakenOver.Add(count);
    }

    internal static void Committed(int operations, TimeSpan duration)
    {
        CommitBatchSize.Record(operations);
        CommitDuration.Record(duration.TotalSeconds);
    }

    internal static void Retained(string kind, int rows)
    {
        if (rows > 0)
            RetentionDeleted.Add(rows, Tag("kind", kind));
    }

    internal static void RemoteStepCalled(string service, string outcome, TimeSpan duration) =>
        RemoteStepDuration.Record(duration.TotalSeconds, Tag("service", service), Tag("outcome", outcome));

    /// <summary>Shows a steps service's breaker state on the gauge (the service's latest client wins).</summary>
    internal static void ReportBreaker(string service, Func<int> state) => Breakers[service] = state;

    /// <summary>Adds a node's gauges (its leases, its sampled queue) to the meter until the returned handle is disposed.</summary>
    internal static IDisposable Register(INodeGauges node)
    {
        Nodes[node] = 0;
        return new Registration(node);
    }

    private static IEnumerable<Measurement<double>> Each(Func<INodeGauges, double?> read)
    {
        foreach (var node in Nodes.Keys)
        {
            if (read(node) is { } value)
                yield return new Measurement<double>(value, Tag("node", node.NodeId));
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private static InstrumentAdvice<double> SecondsBuckets() => new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    };

    private sealed class Registration(INodeGauges node) : IDisposable
    {
        public void Dispose() => Nodes.TryRemove(node, out _);
    }
}
