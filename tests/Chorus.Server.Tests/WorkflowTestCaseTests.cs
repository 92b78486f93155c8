using System.Net;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests;

/// <summary>Test cases a workflow carries: saved with it, run by POST /api/workflows/{id}/tests with time skipped,
/// each answered pass or fail with what differed.</summary>
public sealed class WorkflowTestCaseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    /// <summary>A reviewer decides; approvals wait a day for the payment event, rejections end at once.</summary>
    private static JsonObject Approval(string tests) => Definitions.Parse("""
        {
          "name": "approval with tests",
          "steps": [
            {"id": "review", "type": "manualInput", "config": {"fields": [{"name": "decision", "type": "string", "required": true}]}, "next": "route"},
            {"id": "route", "type": "condition", "config": {"field": "review.decision", "operator": "equals", "value": "approve"},
             "next_steps": ["grace", "rejected"]},
            {"id": "grace", "type": "wait", "config": {"duration": "1d"}, "next": "paid"},
            {"id": "paid", "type": "wait", "config": {"event": "payment_received"}, "next": "approved"},
            {"id": "approved", "type": "output", "config": {"value": {"result": "approved", "amount": "{{paid.amount}}"}}},
            {"id": "rejected", "type": "output", "config": {"value": {"result": "rejected"}}}
          ],
          "tests": __TESTS__
        }
        """.Replace("__TESTS__", tests));

    private const string Passing = """
        {"name": "approved and paid",
         "inputs": {"review": {"decision": "approve"}},
         "events": [{"name": "payment_received", "data": {"amount": 42}}],
         "expect": {"status": "completed", "output": {"result": "approved", "amount": 42}, "path": ["review", "route", "grace", "paid", "approved"]}}
        """;

    [Fact]
    public async Task RunTests_PassingAndFailingCases_ReportsEachWithTheDifference()
    {
        var tests = "[" + Passing + "," + """
             {"name": "rejection expected as approved",
              "inputs": {"review": {"decision": "reject"}},
              "expect": {"status": "completed", "output": {"result": "approved"}, "path": ["review", "route", "rejected"]}},
             {"name": "payment never comes",
              "inputs": {"review": {"decision": "approve"}},
              "expect": {"status": "completed"}}]
            """;
        var workflowId = await _client.CreateWorkflow(_tenant, Approval(tests));

        var report = (await _client.Post($"/api/workflows/{workflowId}/tests", _tenant)).Expect(HttpStatusCode.OK);

        Assert.False(report.Node("passed")!.GetValue<bool>());
        Assert.Equal(3, report.Node("total")!.GetValue<int>());
        Assert.Equal(2, report.Node("failed")!.GetValue<int>());
        Assert.True(report.Node("cases.0.passed")!.GetValue<bool>(), report.Text);
        Assert.Empty(report.Node("cases.0.differences")!.AsArray());
        Assert.True(report.Node("cases.0.skipped_ms")!.GetValue<long>() >= (long)TimeSpan.FromDays(1).TotalMilliseconds - 1000);
        Assert.False(report.Node("cases.1.passed")!.GetValue<bool>());
        var difference = report.Node("cases.1.differences")!.AsArray().Single()!;
        Assert.Equal("output.result", difference["field"]!.GetValue<string>());
        Assert.Equal("approved", difference["expected"]!.GetValue<string>());
        Assert.Equal("rejected", difference["actual"]!.GetValue<string>());
        Assert.Equal("waiting", report.Str("cases.2.status"));
        Assert.Equal("status", report.Str("cases.2.differences.0.field"));
    }

    [Fact]
    public async Task RunTests_WrongPath_ReportsExpectedAndActualPath()
    {
        var tests = """
            [{"name": "wrong path", "inputs": {"review": {"decision": "reject"}}, "expect": {"path": ["review", "rejected"]}}]
            """;
        var workflowId = await _client.CreateWorkflow(_tenant, Approval(tests));

        var report = (await _client.Post($"/api/workflows/{workflowId}/tests", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("path", report.Str("cases.0.differences.0.field"));
        Assert.Equal(["review", "route", "rejected"], report.Node("cases.0.differences.0.actual")!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task RunTests_AllPassing_PassesAndLeavesNoProductionHistory()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Approval($"[{Passing}]"));

        var report = (await _client.Post($"/api/workflows/{workflowId}/tests", _tenant)).Expect(HttpStatusCode.OK);
        var production = (await _client.Get($"/api/workflows/{workflowId}/executions", _tenant)).Expect(HttpStatusCode.OK);

        Assert.True(report.Node("passed")!.GetValue<bool>(), report.Text);
        Assert.Equal(0, production.Node("total")!.GetValue<int>());
    }

    [Fact]
    public async Task Save_TestCases_KeptInTheDefinition()
    {
        var workflowId = await _client.CreateWorkflow(_tenant, Approval($"[{Passing}]"));

        var workflow = (await _client.Get($"/api/workflows/{workflowId}", _tenant)).Expect(HttpStatusCode.OK);

        Assert.Equal("approved and paid", workflow.Str("tests.0.name"));
    }
}
