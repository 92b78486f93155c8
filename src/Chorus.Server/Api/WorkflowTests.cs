using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Engine.Storage;
using Chorus.Server.Tiers;

namespace Chorus.Server.Api;

/// <summary><c>POST /api/workflows/{id}/tests</c>: runs the test cases the workflow's current version carries, each
/// as a test execution with time skipped, and answers pass or fail per case with the differences.</summary>
internal static class WorkflowTests
{
    private static readonly TimeSpan DefaultPerCase = TimeSpan.FromSeconds(30);
    private const double MaxPerCaseSeconds = 300;

    public static async Task<IResult> Run(HttpContext http, string id, ChorusEngine engine, TierChecks tiers)
    {
        var body = await http.ReadObjectAsync(allowEmpty: true);
        var perCase = DefaultPerCase;
        if (body["timeout_seconds"] is { } t)
        {
            perCase = t is JsonValue v && v.TryGetValue<double>(out var seconds) && seconds > 0 && seconds <= MaxPerCaseSeconds
                ? TimeSpan.FromSeconds(seconds)
                : throw new ChorusException(ErrorCodes.InvalidInput, $"timeout_seconds (per test case) must be a number from 0 to {MaxPerCaseSeconds}.",
                    new JsonObject { ["field"] = "timeout_seconds" });
        }
        var workflowId = Workflows.WorkflowId(id);
        // Like test-execute: the runs are test executions, and a tenant at its daily limit starts none.
        await tiers.ExecutionStartAsync(http.Tenant(), http.RequestAborted);
        var report = await engine.RunWorkflowTestsAsync(http.Tenant(), workflowId, perCase, http.RequestAborted);
        return TypedResults.Json(Json(report));
    }

    public static JsonObject Json(TestReport report) => new()
    {
        ["workflow_id"] = report.WorkflowId.ToString(),
        ["version"] = report.Version,
        ["passed"] = report.Passed,
        ["total"] = report.Cases.Count,
        ["failed"] = report.Cases.Count(c => !c.Passed),
        ["cases"] = new JsonArray(report.Cases.Select(c => (JsonNode?)Case(c)).ToArray()),
    };

    private static JsonObject Case(TestCaseResult c) => new()
    {
        ["name"] = c.Name,
        ["passed"] = c.Passed,
        ["execution_id"] = c.ExecutionId?.ToString(),
        ["status"] = c.Status?.ToWire(),
        ["output"] = c.Output?.DeepClone(),
        ["path"] = new JsonArray(c.Path.Select(p => (JsonNode?)p).ToArray()),
        ["skipped_ms"] = (long)c.SkippedTime.TotalMilliseconds,
        ["differences"] = new JsonArray(c.Differences.Select(d => (JsonNode?)new JsonObject
        {
            ["field"] = d.Field,
            ["expected"] = d.Expected?.DeepClone(),
            ["actual"] = d.Actual?.DeepClone(),
            ["message"] = d.Message,
        }).ToArray()),
    };
}
