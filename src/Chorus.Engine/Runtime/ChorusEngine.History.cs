using System.Text.Json.Nodes;
using Chorus.Engine.History;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

public sealed partial class ChorusEngine
{
    /// <summary>The execution's history rebuilt from its step runs (see <see cref="ExecutionHistory"/>).</summary>
    public async Task<ExecutionHistory> HistoryAsync(TenantId tenant, Guid id, CancellationToken ct = default)
    {
        var execution = await _reader.GetExecutionAsync(tenant, id, ct).ConfigureAwait(false)
            ?? throw new ChorusException(ErrorCodes.ExecutionNotFound, $"Execution {id} does not exist.");
        var history = ExecutionHistory.Of(execution, await _reader.GetStepRunsAsync(tenant, id, ct).ConfigureAwait(false));
        if (!history.Complete)
            throw new ChorusException(ErrorCodes.Conflict,
                $"Execution {id} ran before its history was recorded: its step runs do not say in which order they were committed.");
        return history;
    }

    /// <summary>Starts a new test execution of the same version that goes on from point <paramref name="point"/> of the
    /// execution's history with the context it had there. The steps committed up to that point give their recorded
    /// results instead of running, so the new execution reaches that context without repeating anything; after it, pure
    /// steps run, and a step with effects outside the execution (an HTTP call, an email ...) gives its recorded result
    /// when the original recorded one, unless <paramref name="live"/> asks for every step after the point to run.</summary>
    public async Task<ExecutionRecord> RerunFromPointAsync(TenantId tenant, Guid id, int point, bool live, CancellationToken ct = default)
    {
        var history = await HistoryAsync(tenant, id, ct).ConfigureAwait(false);
        if (point < 0 || point >= history.Points.Count)
            throw new ChorusException(ErrorCodes.NotFound, $"Execution {id} has no point {point}; its history has points 0 to {history.Points.Count - 1}.",
                new JsonObject { ["field"] = "point" });
        var original = history.Execution;
        var (version, graph) = await StartableVersionAsync(tenant, original.WorkflowId, original.WorkflowVersion, original.Input, isTest: true, ct).ConfigureAwait(false);
        var stubs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        // Up to the point, each step's last run then is what the new execution must take over as it was.
        foreach (var run in history.Points.Take(point + 1).Select(p => p.Run).OfType<StepRunRecord>())
        {
            if (StepStub.Of(run) is { } stub)
                stubs[run.StepId] = stub;
            else
                stubs.Remove(run.StepId);
        }
        if (!live)
        {
            var decided = new HashSet<string>(stubs.Keys, StringComparer.Ordinal);
            foreach (var run in history.Points.Skip(point + 1).Select(p => p.Run).OfType<StepRunRecord>())
                if (!decided.Contains(run.StepId) && graph.Contains(run.StepId) && !_invoker.IsPure(graph.Step(run.StepId)))
                {
                    if (StepStub.Of(run) is { } stub)
                        stubs[run.StepId] = stub;
                    else
                        stubs.Remove(run.StepId);
                }
        }
        var request = new ExecutionCommands.StartRequest
        {
            Tenant = tenant, Version = version, Graph = graph, Input = original.Input, IsTest = true,
            Trigger = original.Context["trigger"]?.DeepClone() as JsonObject, Stubs = stubs,
        };
        return await ApplyAsync(s => _commands.RerunFromPointAsync(s, request, original, point, live), ct).ConfigureAwait(false);
    }
}
