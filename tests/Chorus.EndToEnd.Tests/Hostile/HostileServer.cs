using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.EndToEnd.Tests.Crash;

namespace Chorus.EndToEnd.Tests.Hostile;

/// <summary>One real server process shared by the hostile-definitions corpus, with the default limits but a small
/// MAX_CONCURRENT_WORKFLOWS so a tenant can fill its share quickly. A bystander tenant runs a one-second workflow
/// beside every case: the server must keep serving it in its normal time whatever the hostile tenant does.</summary>
public sealed class HostileServer : IAsyncLifetime
{
    public const int MaxConcurrentWorkflows = 20;

    /// <summary>The bystander's workflow takes one second; on a loaded two-core machine ten is still "normal".</summary>
    public static readonly TimeSpan BystanderBound = TimeSpan.FromSeconds(10);

    /// <summary>A server with every limit at its default stays far below this whatever a definition asks for (the
    /// whole corpus peaks near 140 MB; context amplification alone reached 3.1 GB before the limits).</summary>
    public const long MemoryBoundBytes = 512L * 1024 * 1024;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"chorus-hostile-{Guid.NewGuid():N}");
    private ServerProcess? _server;
    private string? _bystanderWorkflow;

    public int Port { get; } = ServerProcess.FreePort();

    public TenantClient Tenant(string tenant) => new(Port, tenant);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = await ServerProcess.StartAsync(Port, Path.Combine(_directory, "chorus.db"), new Dictionary<string, string>
        {
            ["MAX_CONCURRENT_WORKFLOWS"] = MaxConcurrentWorkflows.ToString(CultureInfo.InvariantCulture),
        });
        using var bystander = Tenant("bystander");
        _bystanderWorkflow = await bystander.CreateAsync("""
            {"name": "bystander", "status": "active", "steps": [
              {"id": "pause", "type": "wait", "config": {"duration": "1s"}, "next": "done"},
              {"id": "done", "type": "output", "config": {"value": {"ok": true}}}]}
            """);
    }

    /// <summary>Starts the bystander's execution, runs <paramref name="hostile"/>, then checks that the bystander
    /// completed within its bound, that the server is up and answers, and that its memory stayed bounded.</summary>
    public async Task WhileBystanderRunsAsync(Func<Task> hostile)
    {
        using var bystander = Tenant("bystander");
        var started = DateTimeOffset.UtcNow;
        var execution = await bystander.StartAsync(_bystanderWorkflow!, new JsonObject());
        await hostile();
        var status = await bystander.WaitForEndAsync(execution, BystanderBound);
        var took = DateTimeOffset.UtcNow - started;
        Assert.True(status["status"]!.GetValue<string>() == "completed",
            $"The bystander's execution is {status["status"]} after {took.TotalSeconds:0.0} s (normal: 1 s):\n{_server!.Tail}");
        AssertServerHealthy();
        Assert.Equal(200, (int)(await bystander.GetAsync("/health")).Status);
    }

    public void AssertServerHealthy()
    {
        Assert.False(_server!.HasExited, $"The server process exited:\n{_server.Tail}");
        var peak = PeakResidentBytes(_server.Pid);
        Assert.True(peak < MemoryBoundBytes, $"The server's memory peaked at {peak / (1024 * 1024)} MB, more than {MemoryBoundBytes / (1024 * 1024)} MB.");
    }

    public string Tail => _server!.Tail;

    /// <summary>VmHWM: the most resident memory the process ever had, so a spike between two checks counts too.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
