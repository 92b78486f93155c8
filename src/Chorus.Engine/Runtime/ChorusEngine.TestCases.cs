using System.Text.Json.Nodes;
using Chorus.Engine.Definitions;
using Chorus.Engine.Storage;

namespace Chorus.Engine.Runtime;

public sealed partial class ChorusEngine
{
    /// <summary>Runs the test cases of the workflow's current version, one after the other, each as a test execution
    /// with time skipped, and compares how each ended with what it expects. <paramref name="perCase"/> bounds the real
    /// time of each.</summary>
    public async Task<TestReport> RunWorkflowTestsAsync(TenantId tenant, Guid workflowId, TimeSpan perCase, CancellationToken ct = default)
    {
        var (version, graph) = await StartableVersionAsync(tenant, workflowId, versionNumber: null, input: null, isTest: true, ct, checkInput: false).ConfigureAwait(false);
        var results = new List<TestCaseResult>();
        foreach (var test in graph.Definition.Tests)
            results.Add(await RunTestCaseAsync(tenant, workflowId, test, perCase, ct).ConfigureAwait(false));
        return new TestReport { WorkflowId = workflowId, Version = version.Number, Cases = results };
    }

    private async Task<TestCaseResult> RunTestCaseAsync(TenantId tenant, Guid workflowId, WorkflowTestCase test, TimeSpan timeout, CancellationToken ct)
    {
        ExecutionRecord started;
        try
        {
            started = await StartExecutionAsync(tenant, workflowId, test.Input?.DeepClone(), ExecutionMode.Automatic, isTest: true, ct).ConfigureAwait(false);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidInput)
        {
            return new TestCaseResult { Name = test.Name, Differences = [new TestDifference("run", null, null, $"The input was refused: {ex.Message}")] };
        }
        var options = new TestRunOptions { SkipTime = true, Events = test.Events, Inputs = test.Inputs };
        TestRunResult run;
        try
        {
            run = await RunTestAsync(tenant, started.Id, options, timeout, ct).ConfigureAwait(false);
        }
        catch (ChorusException ex) when (ex.Code == ErrorCodes.InvalidInput)
        {
            return new TestCaseResult { Name = test.Name, ExecutionId = started.Id, Differences = [new TestDifference("run", null, null, $"A manual input was refused: {ex.Message}")] };
        }
        var path = PathOf(await _reader.GetStepRunsAsync(tenant, started.Id, ct).ConfigureAwait(false));
        var e = run.Execution;
        return new TestCaseResult
        {
            Name = test.Name, ExecutionId = e.Id, Status = e.Status, Output = e.Output?.DeepClone(), Path = path,
            Differences = Differences(test.Expect, run, path), SkippedTime = run.Clock.Offset,
        };
    }

    /// <summary>The steps a run went through, in order; the attempts after a step's first are its retries, not more path.</summary>
    private static List<string> PathOf(IReadOnlyList<StepRunRecord> runs) =>
        runs.Where(r => r.Attempt == 1).OrderBy(r => r.StartedAt).Select(r => r.StepId).ToList();

    private static List<TestDifference> Differences(TestExpectation expect, TestRunResult run, List<string> path)
    {
        var differences = new List<TestDifference>();
        var e = run.Execution;
        if (run.TimedOut)
            differences.Add(new TestDifference("run", null, null, "The run did not end in time; it was still " + e.Status.ToWire() + "."));
        if (expect.Status is { } status && status != e.Status.ToWire())
            differences.Add(new TestDifference("status", status, e.Status.ToWire(), $"status is {e.Status.ToWire()}{WaitsFor(run)}, expected {status}."));
        if (expect.ChecksOutput)
            differences.AddRange(OutputMatch.Differences(expect.Output, e.Output));
        if (expect.Path is { } want && !want.SequenceEqual(path))
            differences.Add(new TestDifference("path", Json(want), Json(path), $"path is [{string.Join(", ", path)}], expected [{string.Join(", ", want)}]."));
        return differences;
    }

    /// <summary>What a waiting run waits for and the test case did not give, in words.</summary>
    private static string WaitsFor(TestRunResult run) => run.WaitingFor.Count == 0 ? ""
        : " (waiting for " + string.Join(", ", run.WaitingFor.Select(w => w.Kind == "event" ? $"event '{w.Name}' at step '{w.StepId}'" : $"input at step '{w.StepId}'")) + ")";

    private static JsonArray Json(IEnumerable<string> ids) => new(ids.Select(id => (JsonNode?)id).ToArray());
}
