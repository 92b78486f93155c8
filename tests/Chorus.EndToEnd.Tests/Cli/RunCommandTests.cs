using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Chorus.EndToEnd.Tests.Cli;

public sealed class RunCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>For runs whose workflow calls 127.0.0.1: the outbound HTTP policy refuses it unless told.</summary>
    private static readonly Dictionary<string, string> AllowPrivate = new() { ["HTTP_ALLOW_PRIVATE"] = "true" };

    public void Dispose() => _dir.Dispose();

    private const string Greeting = """
        {"name": "greet", "status": "draft", "steps": [
          {"id": "set", "name": "Set greeting", "type": "addField", "config": {"field": "greeting", "value": "hello {{input.who}}"}, "next": "out"},
          {"id": "out", "name": "Output", "type": "output", "config": {"value": {"message": "{{variables.greeting}}", "count": 2}}}
        ]}
        """;

    [Fact]
    public async Task Run_WithInput_PrintsTheOutputJsonAndExitsZero()
    {
        var file = _dir.File("greet.json", Greeting);

        var result = await CliProcess.RunAsync("run", file, "--input", """{"who": "world"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("hello world", output["message"]!.GetValue<string>());
        Assert.Equal(2, output["count"]!.GetValue<int>());
        Assert.Contains("step set (Set greeting) completed", result.Stderr);
        Assert.Contains("step out (Output) completed", result.Stderr);
    }

    [Fact]
    public async Task Run_StepOfAStepsService_RunsRemotelyAsOnTheServer()
    {
        var port = Crash.ServerProcess.FreePort();
        await using var steps = await Crash.ServerProcess.StartAsync(port, Path.Combine(_dir.Path, "unused.db"), workingDirectory: _dir.Path,
            program: "Chorus.StepsService.dll");
        var file = _dir.File("remote.json", """
            {"name": "remote", "steps": [{"id": "user", "type": "fetch_user", "config": {"user_id": 4}}]}
            """);

        var result = await CliProcess.RunAsync(new Dictionary<string, string> { ["STEPS_SVC_URL"] = $"http://127.0.0.1:{port}" },
            "run", file);
        var withoutService = await CliProcess.RunAsync("run", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Margaret Hamilton", JsonNode.Parse(result.Stdout)!["name"]!.GetValue<string>());
        Assert.NotEqual(0, withoutService.ExitCode);
        Assert.Contains("fetch_user", withoutService.Stderr);
    }

    [Fact]
    public async Task Run_WithInputFileAndDb_KeepsTheRunInTheGivenDatabase()
    {
        var file = _dir.File("greet.json", Greeting);
        var input = _dir.File("input.json", """{"who": "file"}""");
        var db = Path.Combine(_dir.Path, "kept.db");

        var result = await CliProcess.RunAsync("run", file, "--input-file", input, "--db", db);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"message\": \"hello file\"", result.Stdout);
        Assert.True(File.Exists(db), "the --db file should remain after the run");
    }

    [Fact]
    public async Task Run_StepThatFails_ExitsOneWithTheErrorCodeOnStderr()
    {
        var port = ClosedPort();
        var file = _dir.File("fail.json", $$$"""
            {"name": "failing", "steps": [
              {"id": "call", "name": "Call", "type": "http", "config": {"method": "GET", "url": "http://127.0.0.1:{{{port}}}/x"},
               "retry": {"max_attempts": 1}}
            ]}
            """);

        var result = await CliProcess.RunAsync(AllowPrivate, "run", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("execution failed: http_error:", result.Stderr);
        Assert.Contains("(step 'call')", result.Stderr);
        Assert.Equal("", result.Stdout.Trim());
    }

    [Fact]
    public async Task Run_StepCallingLoopback_IsRefusedByTheSamePolicyAsTheServer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var file = _dir.File("ssrf.json", $$$"""
            {"name": "ssrf", "steps": [
              {"id": "call", "name": "Call", "type": "http", "config": {"url": "http://127.0.0.1:{{{port}}}/admin"}}
            ]}
            """);

        var result = await CliProcess.RunAsync(new Dictionary<string, string> { ["HTTP_ALLOW_PRIVATE"] = "false" }, "run", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("execution failed: http_target_refused:", result.Stderr);
        Assert.False(listener.Pending(), "the refused target must not have been connected to");
    }

    [Fact]
    public async Task Run_MalformedHttpAllowHosts_ExitsTwoNamingTheVariable()
    {
        var file = _dir.File("greet.json", Greeting);

        var result = await CliProcess.RunAsync(new Dictionary<string, string> { ["HTTP_ALLOW_HOSTS"] = "10.0.0.0/99" }, "run", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("HTTP_ALLOW_HOSTS", result.Stderr);
    }

    [Fact]
    public async Task Run_InvalidDefinition_ExitsTwoNamingTheStepAndField()
    {
        var file = _dir.File("bad.json", """
            {"name": "bad", "steps": [
              {"id": "first", "name": "First", "type": "addField", "config": {"field": "x", "value": 1}, "next": "nowhere"}
            ]}
            """);

        var result = await CliProcess.RunAsync("run", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("step 'first', field 'next'", result.Stderr);
        Assert.Contains("nowhere", result.Stderr);
    }

    [Fact]
    public async Task Run_WaitForEvent_ExitsThreeNamingTheEvent()
    {
        var file = _dir.File("wait.json", """
            {"name": "waiter", "steps": [
              {"id": "approval", "name": "Wait for approval", "type": "wait", "config": {"event": "approved"}, "next": "out"},
              {"id": "out", "name": "Output", "type": "output", "config": {}}
            ]}
            """);

        var result = await CliProcess.RunAsync("run", file);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("event 'approved' (step 'approval')", result.Stderr);
    }

    [Theory]
    [InlineData("--input", "{not json")]
    [InlineData("--timeout", "0")]
    public async Task Run_BadOption_ExitsTwo(string option, string value)
    {
        var file = _dir.File("greet.json", Greeting);

        var result = await CliProcess.RunAsync("run", file, option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Stderr);
    }

    [Fact]
    public async Task Run_MissingOrMalformedFile_ExitsTwo()
    {
        var missing = await CliProcess.RunAsync("run", Path.Combine(_dir.Path, "missing.json"));
        var malformed = await CliProcess.RunAsync("run", _dir.File("broken.json", "{\"name\": "));

        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("cannot read the workflow file", missing.Stderr);
        Assert.True(malformed.ExitCode == 2, malformed.ToString());
        Assert.Contains("is not valid JSON", malformed.Stderr);
    }

    [Fact]
    public async Task Run_TimeoutBeforeTheEnd_CancelsAndExitsOne()
    {
        var file = _dir.File("slow.json", """
            {"name": "slow", "steps": [
              {"id": "pause", "name": "Pause", "type": "wait", "config": {"duration": "30s"}, "next": "out"},
              {"id": "out", "name": "Output", "type": "output", "config": {}}
            ]}
            """);

        var result = await CliProcess.RunAsync("run", file, "--timeout", "1");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("timeout:", result.Stderr);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
