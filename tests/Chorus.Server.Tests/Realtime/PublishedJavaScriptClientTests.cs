using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.Server.Tests.Infrastructure;

namespace Chorus.Server.Tests.Realtime;

/// <summary>The published browser client, monitorWorkflowExecution, run unchanged in Node (Realtime/Node/monitor.js)
/// against a real server: subscribing after a fast execution has finished, it still sees the completion.</summary>
public sealed class PublishedJavaScriptClientTests(RealtimeServer server) : IClassFixture<RealtimeServer>
{
    private readonly HttpClient _api = server.Client;
    private readonly string _tenant = ApiCalls.NewTenant();

    [Theory]
    [InlineData(false)] // Node's own WebSocket
    [InlineData(true)] // the fixture's shim, which a Node without one (Debian's) uses
    public async Task MonitorWorkflowExecution_SubscribingAfterAFastExecutionFinished_SeesItsCompletion(bool shim)
    {
        var workflowId = await _api.CreateWorkflow(_tenant, Definitions.Greeting());
        var id = await _api.Execute(_tenant, workflowId, new JsonObject { ["name"] = "Ada" });
        await _api.WaitForCompletion(_tenant, id);

        var lines = await RunMonitorAsync(id, workflowId, shim);

        var calls = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(["onUpdate", "onCompleted"], calls.Select(c => (string?)c["callback"]));
        var update = calls[0]["data"]!;
        Assert.Equal("completed", (string?)update["status"]);
        Assert.Equal(1.0, (double)update["progress"]!);
        var completed = calls[1]["data"]!;
        Assert.Equal(id, (string?)completed["execution_id"]);
        Assert.Equal("completed", (string?)completed["status"]);
        Assert.Equal("hello Ada", (string?)completed["output"]!["greeting"]);
    }

    private async Task<List<string>> RunMonitorAsync(string executionId, string workflowId, bool shim)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Realtime", "Node", "monitor.js");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!shim && await NeedsWebSocketFlagAsync())
            start.ArgumentList.Add("--experimental-websocket");
        foreach (var arg in new[] { script, _api.BaseAddress!.ToString(), executionId, workflowId, TestTokens.For(_tenant), _tenant })
            start.ArgumentList.Add(arg);
        if (shim)
            start.Environment["CHORUS_WEBSOCKET_SHIM"] = "1";
        var (exit, output, errors) = await RunAsync(start);
        Assert.True(exit == 0, $"node exited with {exit}: {output}\n{errors}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).ToList();
    }

    /// <summary>Node 21+ has a global WebSocket; Node 20 only with the flag. A Node with neither runs the shim.</summary>
    private static async Task<bool> NeedsWebSocketFlagAsync()
    {
        var probe = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)" })
            probe.ArgumentList.Add(arg);
        if ((await RunAsync(probe)).Exit == 0)
            return false;
        probe.ArgumentList.Insert(0, "--experimental-websocket");
        return (await RunAsync(probe)).Exit == 0;
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(ProcessStartInfo start)
    {
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("node is not installed: scripts/test.sh installs Debian's nodejs", ex);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"node did not finish within 30 s: {await output}\n{await errors}");
            }
            return (process.ExitCode, await output, await errors);
        }
    }
}
