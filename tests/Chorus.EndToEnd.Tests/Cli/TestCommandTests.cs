using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Cli;

/// <summary><c>chorus test FILE</c> and <c>chorus run --skip-time</c>: a workflow's test cases and long waits run in
/// seconds on the embedded engine.</summary>
public sealed class TestCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Steps = """
        "steps": [
          {"id": "review", "type": "manualInput", "config": {"fields": [{"name": "decision", "type": "string", "required": true}]}, "next": "grace"},
          {"id": "grace", "type": "wait", "config": {"duration": "2d"}, "next": "paid"},
          {"id": "paid", "type": "wait", "config": {"event": "payment_received"}, "next": "done"},
          {"id": "done", "type": "output", "config": {"value": {"decision": "{{review.decision}}", "amount": "{{paid.amount}}"}}}
        ]
        """;

    private const string Paid = """
        {"name": "approved and paid",
         "inputs": {"review": {"decision": "approve"}},
         "events": [{"name": "payment_received", "data": {"amount": 42}}],
         "expect": {"status": "completed", "output": {"decision": "approve", "amount": 42}, "path": ["review", "grace", "paid", "done"]}}
        """;

    private string Workflow(string tests) => _dir.File("approval.json", "{\"name\": \"approval\", " + Steps + ", \"tests\": " + tests + "}");

    [Fact]
    public async Task Test_AllCasesPass_PrintsPassPerCaseAndExitsZero()
    {
        var result = await CliProcess.RunAsync("test", Workflow($"[{Paid}]"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("PASS approved and paid", result.Stdout);
        Assert.Contains("1 passed, 0 failed", result.Stdout);
    }

    [Fact]
    public async Task Test_ACaseFails_PrintsTheDifferenceAndExitsOne()
    {
        var missingEvent = """
            {"name": "payment never comes", "inputs": {"review": {"decision": "approve"}}, "expect": {"status": "completed"}}
            """;

        var result = await CliProcess.RunAsync("test", Workflow($"[{Paid}, {missingEvent}]"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("PASS approved and paid", result.Stdout);
        Assert.Contains("FAIL payment never comes: status is waiting (waiting for event 'payment_received' at step 'paid'), expected completed.", result.Stdout);
        Assert.Contains("1 passed, 1 failed", result.Stdout);
    }

    [Fact]
    public async Task Test_NoTestCases_ExitsTwo()
    {
        var result = await CliProcess.RunAsync("test", Workflow("[]"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("has no test cases", result.Stderr);
    }

    [Fact]
    public async Task Test_CaseNamingAMissingStep_IsAnInvalidDefinition()
    {
        var result = await CliProcess.RunAsync("test", Workflow("""[{"name": "t", "expect": {"path": ["nope"]}}]"""));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("nope", result.Stderr);
    }

    [Fact]
    public async Task Run_SkipTime_ThreeDayWaitEndsAtOnce()
    {
        var file = _dir.File("slow.json", """
            {"name": "slow", "steps": [
              {"id": "hold", "type": "wait", "config": {"duration": "3d"}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": {"ok": true}}}]}
            """);

        // Without --skip-time a 3-day wait would outlast the 20 s limit and be cancelled (exit 1).
        var result = await CliProcess.RunAsync("run", file, "--skip-time", "--timeout", "20");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(JsonNode.Parse(result.Stdout)!["ok"]!.GetValue<bool>());
    }
}
