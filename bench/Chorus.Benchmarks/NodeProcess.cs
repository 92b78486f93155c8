using System.Diagnostics;
using System.Text.Json.Nodes;
using Chorus.Engine;
using Chorus.Engine.Runtime;
using Chorus.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Benchmarks;

/// <summary>One engine node in its own OS process, as a server process runs it, so each node's CPU can be read
/// apart. The harness starts this program again with <c>--node URL</c>; the child prints "ready", then starts an
/// execution for each "start WORKFLOW-ID" line on its standard input, prints "completed" for each execution it
/// completes, and stops at the end of its input. Completions come from the node's own event hub, as a server
/// pushes them to its clients, so counting them reads nothing from the database.</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process) => _process = process;

    public static async Task<NodeProcess> LaunchAsync(string databaseUrl, string nodeId, Action onCompleted)
    {
        // Run as "dotnet Chorus.Benchmarks.dll" or as the apphost, whichever started this process.
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(typeof(NodeProcess).Assembly.Location);
        foreach (var arg in (string[])["--node", databaseUrl, "--node-id", nodeId])
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("The node process did not start.");
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        if (first != "ready")
            throw new InvalidOperationException($"Node {nodeId} did not start: {first ?? "it exited"}.");
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
                if (line == "completed")
                    onCompleted();
        });
        return new NodeProcess(process);
    }

    public Task StartExecutionAsync(Guid workflowId)
    {
        lock (_process)
            _process.StandardInput.WriteLine($"start {workflowId}");
        return Task.CompletedTask;
    }

    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        _process.Dispose();
    }

    /// <summary>The child's side: runs one engine on the shared database until its input ends.</summary>
    public static async Task RunAsync(string databaseUrl, string nodeId)
    {
        await using var store = await PostgresStore.OpenAsync(databaseUrl);
        using var host = await Harness.StartEngineAsync(store, nodeId);
        var engine = host.Services.GetRequiredService<ChorusEngine>();
        // Not listening: other nodes' events are theirs to report.
        using var completions = engine.Events.Subscribe(evt =>
        {
            if (evt.Type == Harness.CompletedEvent)
                Console.WriteLine("completed");
        }, listening: () => false);
        Console.WriteLine("ready");
        var starts = new List<Task>();
        using var input = new StreamReader(Console.OpenStandardInput());
        while (await input.ReadLineAsync() is { } line)
            if (line.StartsWith("start ", StringComparison.Ordinal))
                starts.Add(engine.StartExecutionAsync(TenantId.Default, Guid.Parse(line["start ".Length..]), new JsonObject { ["counter"] = 0 }));
        await Task.WhenAll(starts);
    }
}
