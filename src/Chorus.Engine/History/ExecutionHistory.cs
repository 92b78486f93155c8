using System.Text.Json.Nodes;
using Chorus.Engine.Storage;

namespace Chorus.Engine.History;

/// <summary>One point of an execution's history: its start (index 0), each step run as the engine committed it, and
/// for an execution that ended without a step run saying so (cancelled, timed out), its end.</summary>
/// <param name="Kind"><c>start</c>, the run's status (<c>completed</c>, <c>failed</c>, <c>waiting</c>), or <c>end</c>.</param>
/// <param name="Status">The execution's status right after this point.</param>
public sealed record HistoryPoint(int Index, string Kind, string? StepId, string? StepName, string? StepType, int? Attempt,
    DateTimeOffset At, string Status)
{
    internal StepRunRecord? Run { get; init; }
}

/// <summary>An execution's history rebuilt from its step runs: the points in commit order, and the context after any
/// of them. Nothing is guessed: each run records its place in the commit order, the variables it wrote, where the
/// execution went on from it and the execution's status afterwards, so folding the runs over the starting context
/// gives back the context the engine held after each commit.</summary>
public sealed class ExecutionHistory
{
    private readonly JsonObject _start;

    private ExecutionHistory(ExecutionRecord execution, IReadOnlyList<HistoryPoint> points, bool complete)
    {
        Execution = execution;
        Points = points;
        Complete = complete;
        _start = StartContext(execution);
    }

    public ExecutionRecord Execution { get; }

    public IReadOnlyList<HistoryPoint> Points { get; }

    /// <summary>False when some step runs were saved before their commit order was recorded (by an older version):
    /// their history cannot be rebuilt without guessing, so it is not offered.</summary>
    public bool Complete { get; }

    public static ExecutionHistory Of(ExecutionRecord execution, IReadOnlyList<StepRunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(runs);
        var complete = runs.All(r => r.Sequence is not null);
        var points = new List<HistoryPoint>(runs.Count + 2)
        {
            new(0, "start", null, null, null, null, execution.StartedAt ?? execution.CreatedAt,
                execution.StartedAt is null && runs.Count == 0 ? execution.Status.ToWire() : ExecutionStatus.Running.ToWire()),
        };
        foreach (var run in runs.Where(r => r.Sequence is not null).OrderBy(r => r.Sequence))
            points.Add(new HistoryPoint(points.Count, run.Status, run.StepId, run.StepName, run.StepType, run.Attempt,
                run.FinishedAt ?? run.StartedAt, run.StatusAfter ?? ExecutionStatus.Running.ToWire()) { Run = run });
        // Cancelled, timed out or failed outside any step: the execution row holds that last change.
        if (execution.IsTerminal && points[^1].Status != execution.Status.ToWire())
            points.Add(new HistoryPoint(points.Count, "end", null, null, null, null, execution.CompletedAt ?? points[^1].At, execution.Status.ToWire()));
        return new ExecutionHistory(execution, points, complete);
    }

    /// <summary>The context (what expressions see as <c>$</c>) right after point <paramref name="index"/>.</summary>
    public JsonObject ContextAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Points.Count);
        var context = (JsonObject)_start.DeepClone();
        for (var i = 1; i <= index; i++)
            if (Points[i].Run is { } run)
                Apply(context, run);
        return context;
    }

    /// <summary>What one committed run changed in the context, as the engine changed it: a completed step's output
    /// under its id and the variables it wrote; a failure that took the on_error route, the error under its id.</summary>
    private static void Apply(JsonObject context, StepRunRecord run)
    {
        switch (run.Status)
        {
            case "completed":
                context[run.StepId] = run.Output?.DeepClone();
                if (run.Variables is { Count: > 0 } written)
                {
                    if (context["variables"] is not JsonObject)
                        context["variables"] = new JsonObject();
                    var variables = (JsonObject)context["variables"]!;
                    foreach (var (name, value) in written)
                        variables[name] = value?.DeepClone();
                }
                break;
            case "failed" when run.Next is { Count: > 0 }:
                context[run.StepId] = new JsonObject { ["error"] = run.Error?.DeepClone() };
                break;
        }
    }

    /// <summary>The context an execution starts with: its input, the input again as variables, and what triggered
    /// it, which no step changes afterwards and so is read from the context as it is now.</summary>
    private static JsonObject StartContext(ExecutionRecord execution)
    {
        var context = new JsonObject
        {
            ["input"] = execution.Input?.DeepClone(),
            ["variables"] = execution.Input is JsonObject ? execution.Input.DeepClone() : new JsonObject(),
        };
        if (execution.Context["trigger"] is { } trigger)
            context["trigger"] = trigger.DeepClone();
        return context;
    }
}
