using System.Globalization;
using Chorus.EndToEnd.Tests.Crash;

namespace Chorus.EndToEnd.Tests.Cluster;

/// <summary>Several real server processes on one PostgreSQL database, each on its own port, with an API client
/// each. Disposing kills every process, also when the test failed.</summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    // Short, so a killed node's work resumes within the test, but long enough that a live node starved of CPU
    // for a moment (two cores, three servers, PostgreSQL and the test) does not lose a lease it is still renewing.
    public const int LeaseSeconds = 4;
    public const int WorkerConcurrency = 16;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chorus-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> _processes = [];
    private readonly List<ChorusApi> _apis = [];

    public IReadOnlyList<ServerProcess> Processes => _processes;
    public IReadOnlyList<ChorusApi> Apis => _apis;

    /// <summary>Starts <paramref name="count"/> nodes at the same moment and waits until each answers
    /// <paramref name="readyPath"/>.</summary>
    public static async Task<ClusterNodes> StartAsync(string databaseUrl, int count, string readyPath = "/health",
        IReadOnlyDictionary<string, string>? moreEnvironment = null)
    {
        var nodes = new ClusterNodes();
        Directory.CreateDirectory(nodes._dir);
        var env = Environment(databaseUrl);
        foreach (var (name, value) in moreEnvironment ?? new Dictionary<string, string>())
            env[name] = value;
        var ports = Enumerable.Range(0, count).Select(_ => ServerProcess.FreePort()).ToList();
        var starts = ports.Select(port => ServerProcess.StartAsync(port, databaseUrl, env, nodes._dir, readyPath)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
                nodes._processes.Add(start.Result);
            if (nodes._processes.Count < count)
                await nodes.DisposeAsync();
        }
        nodes._apis.AddRange(ports.Select(port => new ChorusApi(port)));
        return nodes;
    }

    /// <summary>Starts one more node on the same database, once the others run; returns its index.</summary>
    public async Task<int> AddNodeAsync(string databaseUrl)
    {
        var port = ServerProcess.FreePort();
        _processes.Add(await ServerProcess.StartAsync(port, databaseUrl, Environment(databaseUrl), _dir));
        _apis.Add(new ChorusApi(port));
        return _apis.Count - 1;
    }

    private static Dictionary<string, string> Environment(string databaseUrl) => new()
    {
        ["DATABASE_URL"] = databaseUrl,
        ["LEASE_DURATION"] = LeaseSeconds.ToString(CultureInfo.InvariantCulture),
        ["WORKFLOW_CHECK_INTERVAL"] = "1",
        ["WORKER_CONCURRENCY"] = WorkerConcurrency.ToString(CultureInfo.InvariantCulture),
        // The nodes' workflows call the tests' effects endpoint on 127.0.0.1: an explicit opt-in to private targets.
        ["HTTP_ALLOW_PRIVATE"] = "true",
    };

    public string Tails => string.Join("\n----\n", _processes.Select((p, i) => $"node {i}:\n{p.Tail}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
            api.Dispose();
        foreach (var process in _processes)
            await process.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
