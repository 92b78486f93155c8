namespace Chorus.EndToEnd.Tests.Crash;

/// <summary>One SQLite database and port on which a test starts a real server process, stops or kills it, and starts
/// another on the same state; every process and the database's folder go at the end.</summary>
internal sealed class RestartableServer(IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-restart-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> _processes = [];

    public int Port { get; } = ServerProcess.FreePort();

    /// <summary>The SQLite file every process of this server uses.</summary>
    public string DatabasePath => Path.Combine(_dir, "chorus.db");

    public async Task<ServerProcess> StartAsync()
    {
        Directory.CreateDirectory(_dir);
        var process = await ServerProcess.StartAsync(Port, DatabasePath, environment);
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
