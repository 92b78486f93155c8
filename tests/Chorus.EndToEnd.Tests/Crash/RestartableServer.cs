namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>One SQLite database and port on which a test starts a real server process, stops or kills it, and starts
/// another on the same state; every process and the database's folder go at the end.</summary>
internal sealed class RestartableServer(IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-restart-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> _processes = [];

    public int Port { get; } = ServerProcess.FreePort();

    public async Task<ServerProcess> StartAsync()
    {
        Directory.CreateDirectory(_dir);
        var process = await ServerProcess.StartAsync(Port, Path.Combine(_dir, "chorus.db"), environment);
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            await process.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
